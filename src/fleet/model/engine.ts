/**
 * How `hpiam fleet` reaches the nodes: Slurm (srun on a cluster node) or SSM (one session per node, from
 * outside the cluster); both implement the same operations.
 */

/** Why a node was not asked, or did not give a document. */
export type NodeUnavailable =
  | "busy"
  | "down"
  | "drained"
  | "rebooting"
  | "no-answer"
  | "not-hpiam"
  | "unknown-node"
  /** SSM: the node's agent is not connected (TargetNotConnected). */
  | "not-connected"
  /** SSM: the caller may not start a session there (AccessDenied). */
  | "refused";

export interface FleetNode {
  name: string;
  /** Undefined when the node can be asked; else why not, with the engine's own words in `reason`. */
  unavailable?: NodeUnavailable;
  reason?: string;
  /** The engine's state name (Slurm: IDLE, ALLOCATED, DOWN+NOT_RESPONDING, …). */
  state?: string;
}

export interface NodeSelection {
  /** Slurm: names or a hostlist expression (`worker-[1-64]`); SSM: instance ids, comma-separated. All when absent. */
  nodes?: string;
  partition?: string;
  /** SSM: the nodes of this instance group. */
  group?: string;
}

/** What one node printed for one run of hpiam there. */
export interface NodeAnswer {
  name: string;
  /** The JSON document it printed, parsed; undefined when it printed none. */
  document?: unknown;
  unavailable?: NodeUnavailable;
  reason?: string;
  /** hpiam was never started there (srun had no allocation, SSM refused or could not reach it). */
  notAsked?: boolean;
  /** What it printed on stderr, as it printed it (shown with --verbose). */
  stderr?: string;
}

export interface RunRequest {
  nodes: readonly string[];
  /** hpiam's arguments on each node (the engine puts the hpiam command in front). */
  args: readonly string[];
  timeoutMs: number;
  /** Called as nodes finish, for a progress line. */
  onProgress?(done: number, total: number): void;
}

export interface RebootResult {
  command: string[];
  /** SSM: one command per BatchRebootClusterNodes call (25 node ids at most each); `command` is the first. */
  commands?: string[][];
  /** Every node named is queued. */
  ok: boolean;
  message: string;
  /** The nodes the engine did not reboot, with the engine's own words. */
  refused: Array<{ node: string; reason: string }>;
}

export interface FleetEngine {
  readonly name: "slurm" | "ssm";
  /** hpiam runs as root on the nodes (SSM: through sudo -n; Slurm: when the caller is root), every home in reach. */
  readonly asRoot: boolean;
  /** Every node selected, the ones that cannot be asked now included (with why). */
  listNodes(selection: NodeSelection): Promise<FleetNode[]>;
  /** Runs hpiam once on each node, in parallel, bounded by timeoutMs; one answer per node, in order. */
  run(request: RunRequest): Promise<NodeAnswer[]>;
  /** The commands run() starts for this request, in the order it starts them (for the report). */
  commandsFor(request: Omit<RunRequest, "onProgress">): [string[], ...string[][]];
  /** A short form of a list of node names (Slurm: `n[1-3,5]`). */
  compress(names: readonly string[]): Promise<string>;
  /** Slurm: reboots once running jobs end, then resumes; SSM: BatchRebootClusterNodes (dryRun: the command only). */
  reboot(names: readonly string[], options?: { dryRun?: boolean }): Promise<RebootResult>;
}
