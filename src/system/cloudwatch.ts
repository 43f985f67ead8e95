import type { CloudWatchPort, Env, Logger } from "../context";
import { maskKeyId } from "../identity/model/mask";
import type { CannotRunError } from "../errors";
import { AWS_HTTP_TIMEOUTS, sharedFilePaths, toCallError } from "./aws";
import { instanceRoleCredentials } from "./chain-credentials";
import type { ImdsSession } from "./imds-session";
import { refuseSpecialFiles } from "./special-files";

// The CloudWatch client is loaded only when hpiam metrics publishes.
const loadSdk = () => import("@aws-sdk/client-cloudwatch");

export function createCloudWatchPort(env: Env, log: Logger, imds: ImdsSession): CloudWatchPort {
  return {
    async putMetricData(namespace, data, { region }) {
      try {
        // The IMDS provider and the client read the shared files for settings: a FIFO there would hang them.
        const { credentialsPath, configPath } = sharedFilePaths(env);
        refuseSpecialFiles(credentialsPath, configPath);
      } catch (error) {
        const { message, hint } = error as CannotRunError;
        return { ok: false, error: { name: "BadAwsFile", message: `${message} (${hint})` } };
      }
      let credentials;
      try {
        // Explicit keys: the client never walks the chain, whatever ~/.aws or the environment hold.
        credentials = await instanceRoleCredentials(env, imds);
      } catch (error) {
        // Classified as no credentials at all: the only keys this call may sign with are not there.
        return { ok: false, error: { ...toCallError(error), name: "CredentialsProviderError" } };
      }
      const { CloudWatchClient, PutMetricDataCommand } = await loadSdk();
      const cloudwatch = new CloudWatchClient({
        region,
        credentials,
        maxAttempts: 2,
        requestHandler: AWS_HTTP_TIMEOUTS,
      });
      log.debug(
        `CloudWatch PutMetricData ${namespace} in ${region} signed with ${maskKeyId(credentials.accessKeyId)}`,
      );
      try {
        await cloudwatch.send(
          new PutMetricDataCommand({
            Namespace: namespace,
            MetricData: data.map((datum) => ({
              MetricName: datum.name,
              Value: datum.value,
              Unit: datum.unit,
              Timestamp: datum.timestamp,
              Dimensions: datum.dimensions.map(({ name, value }) => ({ Name: name, Value: value })),
            })),
          }),
        );
        return { ok: true, value: undefined };
      } catch (error) {
        return { ok: false, error: toCallError(error) };
      } finally {
        cloudwatch.destroy();
      }
    },
  };
}
