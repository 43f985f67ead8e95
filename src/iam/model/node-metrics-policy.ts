import type { PolicyJson } from "./policy-template";
import { DEFAULT_NAMESPACE } from "../../metrics/model/node-health-data";

/**
 * What `hpiam metrics --cloudwatch` needs of the node's instance-profile role (on HyperPod, the cluster execution
 * role), the only identity it signs with. PutMetricData has no resource to name: the namespace condition is
 * what narrows it.
 */
export const NODE_METRICS: PolicyJson = {
  Version: "2012-10-17",
  Statement: [
    {
      Sid: "PublishNodeIdentityMetrics",
      Effect: "Allow",
      Action: "cloudwatch:PutMetricData",
      Resource: "*",
      Condition: { StringEquals: { "cloudwatch:namespace": DEFAULT_NAMESPACE } },
    },
  ],
};
