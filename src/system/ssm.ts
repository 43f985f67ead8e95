import type { Logger, SsmPort } from "../context";
import { AWS_HTTP_TIMEOUTS, toCallError } from "./aws";

// The SSM client is large: it is loaded only when the ssm-access check runs.
const loadSdk = () => import("@aws-sdk/client-ssm");

export function createSsmPort(log: Logger): SsmPort {
  return {
    async getServiceSetting(settingId, { profile, region }) {
      const { GetServiceSettingCommand, SSMClient } = await loadSdk();
      const ssm = new SSMClient({ profile, region, maxAttempts: 2, requestHandler: AWS_HTTP_TIMEOUTS });
      log.debug(`SSM GetServiceSetting ${settingId} in ${region}`);
      try {
        const { ServiceSetting } = await ssm.send(new GetServiceSettingCommand({ SettingId: settingId }));
        return { ok: true, value: ServiceSetting?.SettingValue ?? "" };
      } catch (error) {
        return { ok: false, error: toCallError(error) };
      } finally {
        ssm.destroy();
      }
    },
  };
}
