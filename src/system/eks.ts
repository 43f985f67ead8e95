import type { EksPort, Logger } from "../context";
import { AWS_HTTP_TIMEOUTS, toCallError } from "./aws";

// The EKS client is loaded only when an EKS role check looks the cluster's role up.
const loadSdk = () => import("@aws-sdk/client-eks");

export function createEksPort(log: Logger): EksPort {
  return {
    async describeCluster(name, { profile, region }) {
      const { DescribeClusterCommand, EKSClient } = await loadSdk();
      const eks = new EKSClient({ profile, region, maxAttempts: 2, requestHandler: AWS_HTTP_TIMEOUTS });
      log.debug(`EKS DescribeCluster ${name} in ${region}`);
      try {
        const { cluster } = await eks.send(new DescribeClusterCommand({ name }));
        return {
          ok: true,
          value: { arn: cluster?.arn ?? "", name: cluster?.name ?? name, roleArn: cluster?.roleArn ?? "" },
        };
      } catch (error) {
        return { ok: false, error: toCallError(error) };
      } finally {
        eks.destroy();
      }
    },
  };
}
