import type { SageMakerClient } from "@aws-sdk/client-sagemaker";
import type {
  AwsAnswer,
  AwsOptions,
  ClusterDescription,
  ClusterNodeSummary,
  Env,
  Logger,
  SageMakerPort,
} from "../context";
import { AWS_HTTP_TIMEOUTS, toCallError } from "./aws";
import { configuredRegion, givenRegion } from "./aws-region";

/**
 * Far past any HyperPod cluster: a listing that goes on beyond it (a NextToken that never ends) is an error, never
 * a silent cut. Counted in nodes (the service may give fewer than MaxResults a page), and in pages (or empty ones).
 */
const MAX_NODES = 50_000;

// The SageMaker client is large: it is loaded only when connect-head looks a cluster up.
const loadSdk = () => import("@aws-sdk/client-sagemaker");

export function createSageMakerPort(
  env: Env,
  log: Logger,
  fallbackRegion: () => Promise<string | undefined>,
): SageMakerPort {
  async function client({ profile, region }: AwsOptions): Promise<SageMakerClient> {
    const { SageMakerClient } = await loadSdk();
    return new SageMakerClient({ profile, region, maxAttempts: 2, requestHandler: AWS_HTTP_TIMEOUTS });
  }

  async function call<T>(
    what: string,
    options: AwsOptions,
    send: (client: SageMakerClient) => Promise<T>,
  ): Promise<AwsAnswer<T>> {
    const sagemaker = await client(options);
    log.debug(`SageMaker ${what} in ${options.region ?? "?"}`);
    try {
      return { ok: true, value: await send(sagemaker) };
    } catch (error) {
      return { ok: false, error: toCallError(error) };
    } finally {
      sagemaker.destroy();
    }
  }

  return {
    async region(options) {
      const given = givenRegion(options.region, env);
      if (given) return given;
      return (await configuredRegion(undefined, options.profile)) ?? fallbackRegion();
    },

    describeCluster: (nameOrArn, options) =>
      call("DescribeCluster", options, async (sagemaker) => {
        const { DescribeClusterCommand } = await loadSdk();
        const answer = await sagemaker.send(new DescribeClusterCommand({ ClusterName: nameOrArn }));
        return {
          arn: answer.ClusterArn ?? "",
          name: answer.ClusterName ?? nameOrArn,
          ...(answer.ClusterStatus ? { status: answer.ClusterStatus } : {}),
          groups: (answer.InstanceGroups ?? []).map((group) => ({
            name: group.InstanceGroupName ?? "",
            ...(group.SlurmConfig?.NodeType ? { slurmNodeType: group.SlurmConfig.NodeType } : {}),
            ...(group.ExecutionRole ? { executionRole: group.ExecutionRole } : {}),
          })),
          ...(answer.Orchestrator?.Eks?.ClusterArn
            ? { eksClusterArn: answer.Orchestrator.Eks.ClusterArn }
            : {}),
        } satisfies ClusterDescription;
      }),

    listClusterNodes: (nameOrArn, groupNameContains, options) =>
      call("ListClusterNodes", options, async (sagemaker) => {
        const { paginateListClusterNodes } = await loadSdk();
        const nodes: ClusterNodeSummary[] = [];
        let pages = 0;
        for await (const page of paginateListClusterNodes(
          { client: sagemaker },
          { ClusterName: nameOrArn, InstanceGroupNameContains: groupNameContains, MaxResults: 100 },
        )) {
          for (const node of page.ClusterNodeSummaries ?? []) {
            nodes.push({
              groupName: node.InstanceGroupName ?? "",
              instanceId: node.InstanceId ?? "",
              ...(node.InstanceStatus?.Status ? { status: node.InstanceStatus.Status } : {}),
              ...(node.InstanceStatus?.Message ? { statusMessage: node.InstanceStatus.Message } : {}),
            });
          }
          pages += 1;
          if (nodes.length > MAX_NODES || pages > MAX_NODES)
            throw new Error(`ListClusterNodes went on past ${MAX_NODES} nodes without an end`);
        }
        return nodes;
      }),

    batchRebootClusterNodes: (nameOrArn, nodeIds, options) =>
      call("BatchRebootClusterNodes", options, async (sagemaker) => {
        const { BatchRebootClusterNodesCommand } = await loadSdk();
        const answer = await sagemaker.send(
          new BatchRebootClusterNodesCommand({ ClusterName: nameOrArn, NodeIds: [...nodeIds] }),
        );
        return {
          successful: answer.Successful ?? [],
          failed: (answer.Failed ?? []).map((failure) => ({
            nodeId: failure.NodeId ?? "",
            code: failure.ErrorCode ?? "",
            message: failure.Message ?? "",
          })),
        };
      }),
  };
}
