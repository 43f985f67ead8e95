import type { AwsCallError, AwsOptions, ClusterDescription, Context } from "../context";
import { classifyAwsError } from "../identity/model/aws-errors";
import {
  controllerGroupOfCluster,
  controllerGroupOnNode,
  type ControllerGroup,
  describeGroupSource,
  type GroupSource,
  headClusterNode,
  headInstance,
  listNames,
} from "../node/model/head-node";
import { ssmClusterId, ssmTarget } from "./model/ssm-session";
import { CannotRunError } from "../errors";
import { loadNodeFiles, resourceConfigPath } from "../node/node-files";

/** The head node, found on a node (its address) or through the SageMaker API (its SSM target). */
export type HeadNode = {
  cluster: string | null;
  clusterArn: string | null;
  group: string;
  groupFrom: GroupSource;
  instanceId: string;
} & (
  | { mode: "node"; /** The VPC address ssh uses. */ address: string; target: null; region: null }
  | { mode: "ssm"; address: null; target: string; region: string }
);

/** From this node's resource_config.json (and provisioning_parameters.json for the controller group's name). */
export async function findHeadOnNode(
  ctx: Context,
  options: { group?: string; resourceConfig?: string },
): Promise<HeadNode> {
  const path = resourceConfigPath(ctx, options.resourceConfig);
  const { resource, provisioning } = await loadNodeFiles(ctx, path);
  const choice = controllerGroupOnNode(options.group, provisioning);
  const group = resource.groups.find((candidate) => candidate.name === choice.name);
  if (!group)
    throw missingGroup(
      `${path} has`,
      choice,
      resource.groups.map((g) => g.name),
    );
  const instance = headInstance(group);
  if (!instance) throw emptyGroup(`instance group "${group.name}" in ${path}`);
  return {
    mode: "node",
    cluster: resource.clusterName ?? null,
    clusterArn: resource.clusterArn ?? null,
    group: group.name,
    groupFrom: choice.from,
    instanceId: instance.instanceId,
    address: instance.customerIp,
    target: null,
    region: null,
  };
}

/** A cluster as DescribeCluster tells it, in the Region `aws` would use, with its SSM id. */
export interface FoundCluster {
  cluster: ClusterDescription;
  clusterId: string;
  aws: AwsOptions & { region: string };
}

/** DescribeCluster in the Region `aws` would call; a clear error when there is none or no such cluster. */
export async function describeClusterOf(
  ctx: Context,
  options: AwsOptions & { cluster: string },
): Promise<FoundCluster> {
  const region = await ctx.sagemaker.region(options);
  if (!region) {
    throw new CannotRunError(
      "no AWS Region is configured for the SageMaker API",
      "Pass --region (e.g. --region us-west-2) or set AWS_REGION.",
      "no-region",
    );
  }
  const aws = { ...options, region };
  const described = await ctx.sagemaker.describeCluster(options.cluster, aws);
  if (!described.ok) throw clusterCallFailed("DescribeCluster", options.cluster, region, described.error);
  const cluster = described.value;
  const clusterId = ssmClusterId(cluster.arn);
  if (!clusterId) {
    throw new CannotRunError(`DescribeCluster answered with an unexpected cluster ARN "${cluster.arn}"`);
  }
  return { cluster, clusterId, aws };
}

/** DescribeCluster + ListClusterNodes, as easy-ssh.sh does, in the Region `aws` would use. */
export async function findHeadOfCluster(
  ctx: Context,
  options: AwsOptions & { cluster: string; group?: string },
): Promise<HeadNode> {
  const { cluster, clusterId, aws } = await describeClusterOf(ctx, options);
  const region = aws.region;
  const choice = controllerGroupOfCluster(options.group, cluster);
  const names = cluster.groups.map((g) => g.name);
  if (names.length > 0 && !names.includes(choice.name)) {
    throw missingGroup(`cluster ${cluster.name} has`, choice, names);
  }
  const listed = await ctx.sagemaker.listClusterNodes(cluster.arn, choice.name, aws);
  if (!listed.ok) throw clusterCallFailed("ListClusterNodes", cluster.name, region, listed.error);
  const node = headClusterNode(listed.value, choice.name);
  if (!node) throw emptyGroup(`instance group "${choice.name}" of cluster ${cluster.name}`);
  return {
    mode: "ssm",
    cluster: cluster.name,
    clusterArn: cluster.arn,
    group: choice.name,
    groupFrom: choice.from,
    instanceId: node.instanceId,
    address: null,
    target: ssmTarget({ clusterId, group: choice.name, instanceId: node.instanceId }),
    region,
  };
}

function missingGroup(where: string, choice: ControllerGroup, names: readonly string[]): CannotRunError {
  return new CannotRunError(
    `${where} no instance group "${choice.name}" (${describeGroupSource(choice)}); its groups: ${listNames(names)}`,
    "Name the head node's group with --group NAME.",
    "no-controller-group",
  );
}

function emptyGroup(what: string): CannotRunError {
  return new CannotRunError(
    `${what} has no instances`,
    "The head node may be being replaced: try again in a few minutes, or name another group with --group.",
    "no-head-node",
  );
}

export function clusterCallFailed(
  call: string,
  cluster: string,
  region: string,
  error: AwsCallError,
): CannotRunError {
  if (error.name === "ResourceNotFound" || /could not find|not found|does not exist/i.test(error.message)) {
    return new CannotRunError(
      `there is no HyperPod cluster "${cluster}" in ${region}`,
      `List the clusters with \`aws sagemaker list-clusters --region ${region}\`, or pass --region.`,
      "no-such-cluster",
    );
  }
  const problem = classifyAwsError(error);
  // The generic hints speak of STS and of a node; here we are asking SageMaker, usually from a laptop.
  const hints: Partial<Record<typeof problem.kind, string>> = {
    unreachable:
      "Check network access to the SageMaker API (proxy, VPC endpoint, AWS_ENDPOINT_URL) and try again.",
    "access-denied": `Your identity needs sagemaker:${call}; check which one is in use with \`hpiam whoami\`.`,
    "no-credentials":
      "Give this machine AWS credentials (`aws configure sso`, or --profile NAME) and try again.",
  };
  const hint = hints[problem.kind] ?? problem.hint;
  return new CannotRunError(
    `SageMaker ${call} failed: ${problem.message}`,
    hint,
    `sagemaker-${problem.kind}`,
  );
}
