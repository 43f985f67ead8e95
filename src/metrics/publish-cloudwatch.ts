import type { Context } from "../context";
import type { DiagnoseResult } from "../contract/diagnose";
import { classifyAwsError } from "../identity/model/aws-errors";
import { parseArn } from "../identity/model/arn";
import { UsageError } from "../errors";
import {
  DEFAULT_NAMESPACE,
  namespaceProblem,
  type NodeDimensions,
  nodeHealthData,
} from "./model/node-health-data";

export interface CloudWatchOptions {
  cloudwatch?: boolean;
  namespace?: string;
  region?: string;
}

export type CloudWatchPublish =
  | {
      result: "published";
      namespace: string;
      region: string;
      node: NodeDimensions;
      values: Record<string, number>;
    }
  /** Not sent: one line of why and one of what to do; the exposition stands all the same. */
  | { result: "failed"; namespace: string; message: string; hint: string };

/** --namespace only with --cloudwatch, and one CloudWatch takes: refused before anything runs. */
export function validateCloudWatchOptions(options: CloudWatchOptions): void {
  if (options.namespace === undefined) return;
  if (!options.cloudwatch) throw new UsageError("--namespace needs --cloudwatch");
  const problem = namespaceProblem(options.namespace);
  if (problem)
    throw new UsageError(`--namespace: "${options.namespace}" is not a CloudWatch namespace: ${problem}`);
}

/**
 * NodeHealthy and FailingChecks of this diagnose report, for this node (cluster name and instance id from
 * resource_config.json, else IMDS's instance id), in the node's Region, signed with the instance role's keys.
 */
export async function publishNodeHealth(
  report: DiagnoseResult,
  options: CloudWatchOptions,
  ctx: Context,
): Promise<CloudWatchPublish> {
  const namespace = options.namespace ?? DEFAULT_NAMESPACE;
  const imds = await ctx.imds.describe();
  const instanceId = report.node?.instanceId ?? imds.instanceId;
  if (instanceId === undefined) {
    return {
      result: "failed",
      namespace,
      message: "CloudWatch: nothing sent: neither resource_config.json nor IMDS says which instance this is",
      hint: "Run it on the node itself (hpiam diagnose --checks hyperpod-node,instance-profile says why).",
    };
  }
  const clusterArn = report.node?.clusterArn;
  const region = options.region ?? imds.region ?? (clusterArn ? parseArn(clusterArn)?.region : undefined);
  if (!region) {
    return {
      result: "failed",
      namespace,
      message: "CloudWatch: nothing sent: neither IMDS nor resource_config.json names this node's Region",
      hint: "Pass --region.",
    };
  }
  const node = { ...(report.node?.cluster ? { clusterName: report.node.cluster } : {}), instanceId };
  const data = nodeHealthData(report.summary, node, ctx.clock.now());
  const answer = await ctx.cloudwatch.putMetricData(namespace, data, { region });
  if (answer.ok) {
    ctx.log.debug(
      `published ${data.map((d) => `${d.name} ${d.value}`).join(", ")} to CloudWatch ${namespace}`,
    );
    return {
      result: "published",
      namespace,
      region,
      node,
      values: Object.fromEntries(data.map((datum) => [datum.name, datum.value])),
    };
  }
  const problem = classifyAwsError(answer.error);
  // The generic hints speak of STS and of the chain; this call signs with the instance role alone.
  const hints: Partial<Record<typeof problem.kind, string>> = {
    "no-credentials":
      "It signs only with the instance role's keys from IMDS: see hpiam diagnose --checks instance-profile.",
    "access-denied": `The instance role needs cloudwatch:PutMetricData in ${namespace}: hpiam policy node-metrics.`,
    unreachable: `Check network access to CloudWatch in ${region} (proxy, VPC endpoint, AWS_ENDPOINT_URL).`,
  };
  const message =
    problem.kind === "no-credentials"
      ? `no instance role keys from IMDS (${firstLine(answer.error.message)})`
      : problem.message;
  return {
    result: "failed",
    namespace,
    message: `CloudWatch PutMetricData failed: ${message}`,
    hint: hints[problem.kind] ?? problem.hint,
  };
}

function firstLine(text: string): string {
  return (text.split("\n")[0] ?? "").slice(0, 200);
}
