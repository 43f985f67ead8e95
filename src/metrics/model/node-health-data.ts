/** What `hpiam metrics --cloudwatch` sends: the node's health as two CloudWatch metrics, one value each a run. */
import type { MetricDatum } from "../../context";
import type { DiagnoseSummary } from "../../contract/diagnose";

export const DEFAULT_NAMESPACE = "HyperPod/NodeIdentity";

/** The node the data is about: an alarm or a graph picks it by these. */
export interface NodeDimensions {
  clusterName?: string;
  instanceId: string;
}

/** NodeHealthy is 1 only when diagnose says healthy (unknown is 0, as for hpiam_node_healthy); FailingChecks counts its fails. */
export function nodeHealthData(summary: DiagnoseSummary, node: NodeDimensions, at: Date): MetricDatum[] {
  const dimensions = [
    ...(node.clusterName !== undefined ? [{ name: "ClusterName", value: node.clusterName }] : []),
    { name: "InstanceId", value: node.instanceId },
  ];
  return [
    {
      name: "NodeHealthy",
      value: summary.status === "healthy" ? 1 : 0,
      unit: "None",
      dimensions,
      timestamp: at,
    },
    { name: "FailingChecks", value: summary.fail, unit: "Count", dimensions, timestamp: at },
  ];
}

/** Why CloudWatch would refuse this namespace (its documented rule), or undefined when it would take it. */
export function namespaceProblem(namespace: string): string | undefined {
  if (namespace.length === 0 || namespace.length > 255) return "it must be 1 to 255 characters";
  if (!/^[0-9A-Za-z._/#: -]+$/.test(namespace))
    return "it may hold only letters, digits, spaces and . - _ / # :";
  if (namespace.startsWith("AWS/")) return "AWS/ is reserved for AWS's own services";
  return undefined;
}
