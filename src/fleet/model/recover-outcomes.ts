import { decodeDiagnose } from "../../contract/diagnose";
import { decodeRecover, type HomeFilesystem, type RecoverOutcome } from "../../contract/recover";
import type { NodeAnswer } from "./engine";
import { type NodeUnread, readAnswer } from "./node-documents";
import { diagnoseFinding, type NodeFinding } from "./node-findings";

/** A home a node's recover changes: its own, or one on a filesystem other nodes mount too. */
export interface HomeChange {
  /** The `~/.aws` as the node names it. */
  awsDir: string;
  /** The shared filesystem it is on (one object on every node that mounts it); null: the node's own disk. */
  shared: HomeFilesystem | null;
}

/** One node's answer to fleet recover, and what its recover (or whoami) document says, read once. */
export interface NodeRecovery {
  answer: NodeAnswer;
  /** recover's `result`, fleet whoami's verdict (a node asked afresh), or why there is neither. */
  status: RecoverOutcome | NodeFinding["verdict"] | NodeUnread;
  reason: string | null;
  /** Recovered and its fresh identity is the instance-profile role. */
  verified: boolean;
  /** Asked afresh, and healthy as fleet whoami tells it. */
  healthy: boolean;
  /** The homes its recover changes (only those). */
  changes: HomeChange[];
  /** Since when a reboot an earlier run left owed there is due; null when none is. */
  rebootDue: string | null;
}

export interface SharedHome {
  /** The `~/.aws` as the first node names it. */
  path: string;
  fsType: string;
  source: string;
  mountPoint: string;
  /** The nodes of this run that mount it (and planned to change it). */
  nodes: string[];
  /** The node that moved it aside (once, for all of them). */
  movedBy: string | null;
  /** Nodes outside this run that mount it cannot be known from here: what they need, and the command. */
  others: string;
}

/** Who does what in a real run: nodes that run recover (in waves), and nodes whose identity is asked afresh. */
export interface RecoverRuns {
  /** A shared home is moved by its first node; a node that also mounts it runs in a later wave (its own homes). */
  waves: string[][];
  /** Every home it changes is a shared one another node moves, or it only owes a reboot: asked afresh. */
  rechecks: string[];
}

const NONE: Pick<NodeRecovery, "verified" | "healthy" | "changes" | "rebootDue"> = {
  verified: false,
  healthy: false,
  changes: [],
  rebootDue: null,
};

/** A node's `recover --json` answer; a plan that would be refused as it stands is `refused` already. */
export function recoveryOf(answer: NodeAnswer): NodeRecovery {
  const read = readAnswer(answer, decodeRecover, "recover");
  if (!("document" in read)) return { answer, ...read, ...NONE };
  const { result, reason, verification, changedHomes, rebootDue, blockers } = read.document;
  return {
    answer,
    status: result === "planned" && blockers.length > 0 ? "refused" : result,
    reason,
    verified: result === "recovered" && verification?.status === "healthy",
    healthy: false,
    changes: changedHomes.map((home) => ({
      awsDir: home.awsDir,
      shared: home.shared ? home.filesystem : null,
    })),
    rebootDue: rebootDue?.since ?? null,
  };
}

/**
 * A node's answer to fleet whoami's question (diagnose's identity checks, every user's keys as root), asked
 * afresh once its home is recovered (by another node, or earlier): what every user's jobs there sign as, as
 * fleet whoami would tell it, not the caller's chain alone.
 */
export function recheckOf(answer: NodeAnswer): NodeRecovery {
  const read = readAnswer(answer, decodeDiagnose, "diagnose");
  if (!("document" in read)) return { answer, ...read, ...NONE };
  const { verdict, reason } = diagnoseFinding(read.document);
  return { answer, status: verdict, reason, ...NONE, healthy: verdict === "healthy" };
}

/** A node this run changes something for: its plan moves keys, or it still owes a reboot from an earlier run. */
export function isAffected(plan: NodeRecovery | undefined): boolean {
  return plan?.status === "planned" || (plan?.status === "nothing-to-do" && plan.rebootDue !== null);
}

/** One filesystem object, named as every node that mounts it names it (not by the path it is mounted at). */
export function sharedKey(fs: HomeFilesystem): string {
  return `${fs.fsType} ${fs.source} ${fs.path}`;
}

/**
 * Local homes at one path (`/home/ubuntu` on each node's own disk) are each node's own: every node recovers
 * its own. A shared home is moved by the first node that has it; two runs on it would race for the same backup.
 */
export function recoverRuns(nodes: readonly string[], plans: ReadonlyMap<string, NodeRecovery>): RecoverRuns {
  const movedIn = new Map<string, number>();
  const runs: RecoverRuns = { waves: [], rechecks: [] };
  for (const name of nodes) {
    const plan = plans.get(name);
    if (!isAffected(plan) || !plan) continue;
    const keys = plan.changes.map((change) => (change.shared ? sharedKey(change.shared) : null));
    const othersMove = keys.length > 0 && keys.every((key) => key !== null && movedIn.has(key));
    if (plan.status !== "planned" || othersMove) {
      runs.rechecks.push(name);
      continue;
    }
    const after = keys.flatMap((key) => (key !== null && movedIn.has(key) ? [movedIn.get(key) ?? 0] : []));
    const wave = after.length > 0 ? Math.max(...after) + 1 : 0;
    for (const key of keys) if (key !== null && !movedIn.has(key)) movedIn.set(key, wave);
    (runs.waves[wave] ??= []).push(name);
  }
  return { ...runs, waves: runs.waves.filter(Boolean) };
}

/** The shared filesystems' homes the nodes planned to change: each moved by one of them. */
export function sharedHomes(
  plans: ReadonlyMap<string, NodeRecovery>,
  done: ReadonlyMap<string, NodeRecovery>,
  others: string,
): SharedHome[] {
  const byKey = new Map<string, SharedHome>();
  for (const [name, plan] of plans) {
    if (plan.status !== "planned") continue;
    for (const { awsDir, shared } of plan.changes) {
      if (!shared) continue;
      const key = sharedKey(shared);
      const { fsType, source, mountPoint } = shared;
      const home = byKey.get(key) ?? {
        path: awsDir,
        fsType,
        source,
        mountPoint,
        nodes: [],
        movedBy: null,
        others,
      };
      home.nodes.push(name);
      byKey.set(key, home);
    }
  }
  return [...byKey.values()].map((home) => ({
    ...home,
    movedBy: home.nodes.find((name) => done.get(name)?.status === "recovered") ?? null,
  }));
}
