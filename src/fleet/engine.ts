/**
 * How `hpiam fleet` reaches the nodes. Slurm (srun on a cluster node) is the one engine today; an SSM engine
 * (sessions from outside the cluster) implements the same four operations.
 */

/** Why a node was not asked, or did not give a document. */
export type NodeUnavailable =
  "busy" | "down" | "drained" | "rebooting" | "no-answer" | "not-hpiam" | "unknown-node";

export interface FleetNode {
  name: string;
  /** Undefined when the node can be asked; else why not, with the engine's own words in `reason`. */
  unavailable?: NodeUnavailable;
  reason?: string;
  /** The engine's state name (Slurm: IDLE, ALLOCATED, DOWN+NOT_RESPONDING, …). */
  state?: string;
}

export interface NodeSelection {
  /** Names or a hostlist expression (`worker-[1-64]`); all nodes when absent. */
  nodes?: string;
  partition?: string;
}

/** What one node printed for one run of hpiam there. */
export interface NodeAnswer {
  name: string;
  /** The JSON document it printed, parsed; undefined when it printed none. */
  document?: unknown;
  unavailable?: NodeUnavailable;
  reason?: string;
  /** srun could not start hpiam there at all (no allocation): the node was never asked. */
  notAsked?: boolean;
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
  ok: boolean;
  message: string;
}

export interface FleetEngine {
  readonly name: "slurm";
  /** Every node selected, the ones that cannot be asked now included (with why). */
  listNodes(selection: NodeSelection): Promise<FleetNode[]>;
  /** Runs hpiam once on each node, in parallel, bounded by timeoutMs; one answer per node, in order. */
  run(request: RunRequest): Promise<NodeAnswer[]>;
  /** The command run() starts for this request (for the report). */
  commandFor(request: Omit<RunRequest, "onProgress">): string[];
  /** A short form of a list of node names (Slurm: `n[1-3,5]`). */
  compress(names: readonly string[]): Promise<string>;
  /** Reboots the nodes once their running work is done, then returns them to service (dryRun: the command only). */
  reboot(names: readonly string[], options?: { dryRun?: boolean }): Promise<RebootResult>;
}
