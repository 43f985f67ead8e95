import { clusterCallFailed, describeClusterOf, type FoundCluster } from "../connect/find-head";
import { requireSessionTools } from "../connect/session-tools";
import type { AwsAnswer, AwsOptions, ClusterNodeSummary, Context, RebootedClusterNodes } from "../context";
import { listNames } from "../node/model/head-node";
import { printable } from "../output/printable";
import { ssmTarget, startSessionCommand } from "../connect/model/ssm-session";
import { UsageError } from "../errors";
import type { FleetEngine, FleetNode, NodeSelection, RebootResult, RunRequest } from "./model/engine";
import { judgeSession, throttledAnswer } from "./model/session-output";
import { type Pacing, paced, type PacingClock, realClock } from "./model/session-pacing";

export const SESSION_DOCUMENT = "AWS-StartNonInteractiveCommand";

export interface SsmEngineOptions extends AwsOptions {
  /** The cluster's name or ARN. */
  cluster: string;
  /** hpiam's path on every node. */
  hpiam: string;
  pacing: Pacing;
  clock?: PacingClock;
}

/**
 * The fleet engine of an admin outside the cluster: ListClusterNodes for the nodes, one SSM session per node
 * (`aws ssm start-session` with AWS-StartNonInteractiveCommand, as connect-head's sessions), paced, and
 * SageMaker's BatchRebootClusterNodes for the reboot. Nodes are named by their instance ids.
 */
export function createSsmEngine(ctx: Context, options: SsmEngineOptions): FleetEngine {
  const clock = options.clock ?? realClock;
  const groupOf = new Map<string, string>();
  let found: FoundCluster | undefined;
  const cluster = async () => (found ??= await describeClusterOf(ctx, options));

  const sessionArgv = (target: string, args: readonly string[]) =>
    startSessionCommand(target, { region: found?.aws.region ?? options.region, profile: options.profile }, [
      "--document-name",
      SESSION_DOCUMENT,
      "--parameters",
      // The session runs as ssm-user; root sees every home and root's own keys (the SSM agent's).
      `command=sudo -n ${[options.hpiam, ...args].join(" ")}`,
    ]);

  return {
    name: "ssm",
    asRoot: true,

    async listNodes(selection: NodeSelection): Promise<FleetNode[]> {
      const { cluster: described, aws } = await cluster();
      const listed = await ctx.sagemaker.listClusterNodes(described.arn, selection.group, aws);
      if (!listed.ok) throw clusterCallFailed("ListClusterNodes", described.name, aws.region, listed.error);
      const inGroup = listed.value.filter((node) => !selection.group || node.groupName === selection.group);
      if (selection.group && inGroup.length === 0)
        throw new UsageError(
          `--group: cluster ${described.name} has no node in instance group "${printable(selection.group)}"`,
          `Its groups: ${listNames(described.groups.map((group) => group.name))}`,
        );
      for (const node of inGroup) groupOf.set(node.instanceId, node.groupName);
      const nodes = inGroup.map(judgeInstance);
      if (selection.nodes === undefined) return nodes;
      const wanted = instanceIds(selection.nodes);
      const unknown = wanted
        .filter((id) => !groupOf.has(id))
        .map((name): FleetNode => ({
          name,
          unavailable: "unknown-node",
          reason: `ListClusterNodes lists no such instance in cluster ${described.name}${selection.group ? `, group ${selection.group}` : ""}`,
        }));
      return [...nodes.filter((node) => wanted.includes(node.name)), ...unknown];
    },

    async run(request: RunRequest) {
      const { clusterId, cluster: described } = await cluster();
      const context = { clusterArn: described.arn, timeoutMs: request.timeoutMs };
      const [session] = this.commandsFor(request);
      if (request.nodes.length) await requireSessionTools(ctx, session);
      ctx.log.debug(`one session per node: ${session.join(" ")}`);
      return paced(
        request.nodes,
        options.pacing,
        clock,
        async (name) => {
          const target = ssmTarget({ clusterId, group: groupOf.get(name) ?? "", instanceId: name });
          const result = await ctx.exec.run(sessionArgv(target, request.args), {
            timeoutMs: request.timeoutMs,
          });
          return judgeSession(name, result, context);
        },
        throttledAnswer,
        (done) => request.onProgress?.(done, request.nodes.length),
      );
    },

    // One session per node, all alike: the report names it once, with a placeholder for the node.
    commandsFor: (request) => [
      sessionArgv(
        `sagemaker-cluster:${found?.clusterId ?? "<cluster-id>"}_<group>-<instance-id>`,
        request.args,
      ),
    ],

    compress: async (names) => names.join(","),

    async reboot(names, { dryRun = false } = {}): Promise<RebootResult> {
      const { cluster: described, aws } = await cluster();
      const batches = inBatches(names, REBOOT_BATCH);
      const commands = batches.map((batch) => [
        "aws",
        "sagemaker",
        "batch-reboot-cluster-nodes",
        "--cluster-name",
        described.arn,
        "--node-ids",
        ...batch,
        "--region",
        aws.region,
      ]);
      const command = commands[0] ?? [];
      const calls = batches.length > 1 ? ` in ${batches.length} calls of at most ${REBOOT_BATCH} nodes` : "";
      if (dryRun) return { command, commands, ok: true, message: `planned${calls}`, refused: [] };
      const refused: RebootResult["refused"] = [];
      // One call after the other: each batch's answer is its own, and a failed call refuses only its nodes.
      for (const batch of batches) {
        const answer = await ctx.sagemaker.batchRebootClusterNodes(described.arn, batch, aws);
        refused.push(...refusedIn(batch, answer));
      }
      const ok = refused.length === 0;
      const message = ok
        ? `HyperPod is rebooting ${names.length} node(s)${calls}`
        : `HyperPod is rebooting ${names.length - refused.length} of ${names.length} node(s); refused: ${refusals(refused)}`;
      return { command, commands, ok, message, refused };
    },
  };
}

/** BatchRebootClusterNodes takes 1 to 25 node ids a call (its NodeIds), and refuses more. */
const REBOOT_BATCH = 25;

function inBatches<T>(items: readonly T[], size: number): T[][] {
  const batches: T[][] = [];
  for (let at = 0; at < items.length; at += size) batches.push(items.slice(at, at + size));
  return batches;
}

/** The nodes of one call that are not rebooting, each with SageMaker's own words. */
function refusedIn(
  batch: readonly string[],
  answer: AwsAnswer<RebootedClusterNodes>,
): RebootResult["refused"] {
  if (!answer.ok) {
    const denied = answer.error.name === "AccessDenied" || answer.error.name === "AccessDeniedException";
    const reason = `BatchRebootClusterNodes failed: ${answer.error.message}${denied ? " (needs sagemaker:BatchRebootClusterNodes on the cluster)" : ""}`;
    return batch.map((node) => ({ node, reason }));
  }
  const failed = new Map(answer.value.failed.map((f) => [f.nodeId, `${f.code}: ${f.message}`.trim()]));
  const taken = new Set(answer.value.successful);
  return batch
    .filter((node) => !taken.has(node))
    .map((node) => ({
      node,
      reason: failed.get(node) ?? "not among the nodes BatchRebootClusterNodes took",
    }));
}

/** Each reason once, after its nodes: `i-1,i-2: InvalidInstanceStatus: …; i-3: …`. */
function refusals(refused: RebootResult["refused"]): string {
  const byReason = new Map<string, string[]>();
  for (const { node, reason } of refused) byReason.set(reason, [...(byReason.get(reason) ?? []), node]);
  return [...byReason].map(([reason, nodes]) => `${nodes.join(",")}: ${reason}`).join("; ");
}

/**
 * Only a Running node is asked. Pending (being set up or replaced), SystemUpdating (its software being updated)
 * and DeepHealthCheckInProgress (being tested before it takes work) are HyperPod's for now: a session may be cut,
 * and BatchRebootClusterNodes refuses them (InvalidInstanceStatus), so keys moved there could not be rebooted
 * away. They are busy until Running; any other status (Failure, ShuttingDown, NotFound) is down.
 */
function judgeInstance(node: ClusterNodeSummary): FleetNode {
  const state = node.status ?? "Unknown";
  if (state === "Running") return { name: node.instanceId, state };
  const says = `SageMaker says ${state}${node.statusMessage ? `: ${node.statusMessage}` : ""}`;
  return BUSY_STATUSES.has(state)
    ? { name: node.instanceId, state, unavailable: "busy", reason: `${says} (ask again once it is Running)` }
    : { name: node.instanceId, state, unavailable: "down", reason: says };
}

const BUSY_STATUSES = new Set(["Pending", "SystemUpdating", "DeepHealthCheckInProgress"]);

function instanceIds(list: string): string[] {
  const ids = list
    .split(",")
    .map((id) => id.trim())
    .filter(Boolean);
  if (ids.length === 0 || !ids.every((id) => /^[A-Za-z0-9][\w.-]*$/.test(id)))
    throw new UsageError(
      `--nodes: "${printable(list)}" is not a list of instance ids`,
      "Give them comma-separated, as ListClusterNodes names them: i-0123456789abcdef0,i-0fedcba9876543210.",
    );
  return [...new Set(ids)];
}
