import { decodeRecover, type RecoverOutcome } from "../../contract/recover";
import { decodeWhoami } from "../../contract/whoami";
import type { VerdictStatus } from "../../identity/model/verdict";
import type { NodeAnswer } from "./engine";
import { type NodeUnread, readAnswer } from "./node-documents";

/** One node's answer to fleet recover, and what its recover (or whoami) document says, read once. */
export interface NodeRecovery {
  answer: NodeAnswer;
  /** recover's `result`, whoami's verdict (a node of a shared home, asked afresh), or why there is neither. */
  status: RecoverOutcome | VerdictStatus | NodeUnread;
  reason: string | null;
  /** Recovered and its fresh identity is the instance-profile role. */
  verified: boolean;
  /** A whoami document with a healthy verdict. */
  healthy: boolean;
  /** The `~/.aws` folders its recover is about. */
  awsDirs: string[];
}

export interface SharedHome {
  /** The `~/.aws` several nodes use. */
  path: string;
  nodes: string[];
  /** The node that moved it aside (once, for all of them). */
  movedBy: string | null;
}

/** A node's `recover --json` answer. */
export function recoveryOf(answer: NodeAnswer): NodeRecovery {
  const read = readAnswer(answer, decodeRecover, "recover");
  if (!("document" in read)) return { answer, ...read, verified: false, healthy: false, awsDirs: [] };
  const { result, reason, verification, users } = read.document;
  return {
    answer,
    status: result,
    reason,
    verified: result === "recovered" && verification?.status === "healthy",
    healthy: false,
    // A home with no ~/.aws (every user's home is listed with --all-users) is no home two nodes share.
    awsDirs: users.filter((user) => user.awsDir.kind !== "absent").map((user) => user.awsDir.path),
  };
}

/** A node's `whoami --json` answer, once another node recovered the home it shares. */
export function recheckOf(answer: NodeAnswer): NodeRecovery {
  const read = readAnswer(answer, decodeWhoami, "whoami");
  if (!("document" in read)) return { answer, ...read, verified: false, healthy: false, awsDirs: [] };
  const { verdict } = read.document;
  return {
    answer,
    status: verdict.status,
    reason: verdict.reason,
    verified: false,
    healthy: verdict.status === "healthy",
    awsDirs: [],
  };
}

/**
 * The nodes that recover runs on: one per `~/.aws` folder. A node whose folders an earlier node already
 * covers (one shared home) is left to that node; two runs on one home would race for the same backup name.
 */
export function oneNodePerHome(nodes: readonly string[], plans: ReadonlyMap<string, NodeRecovery>): string[] {
  const covered = new Set<string>();
  return nodes.filter((name) => {
    const dirs = plans.get(name)?.awsDirs ?? [];
    if (dirs.length > 0 && dirs.every((dir) => covered.has(dir))) return false;
    dirs.forEach((dir) => covered.add(dir));
    return true;
  });
}

/** `~/.aws` folders that more than one node planned to move: one shared home, moved by one of them. */
export function sharedHomes(
  plans: ReadonlyMap<string, NodeRecovery>,
  done: ReadonlyMap<string, NodeRecovery>,
): SharedHome[] {
  const byPath = new Map<string, string[]>();
  for (const [name, plan] of plans) {
    if (plan.status !== "planned") continue;
    for (const path of plan.awsDirs) byPath.set(path, [...(byPath.get(path) ?? []), name]);
  }
  return [...byPath]
    .filter(([, nodes]) => nodes.length > 1)
    .map(([path, nodes]) => ({
      path,
      nodes,
      movedBy: nodes.find((name) => done.get(name)?.status === "recovered") ?? null,
    }));
}
