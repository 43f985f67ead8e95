import { record, text } from "./document-fields";
import type { NodeAnswer } from "./engine";

/** What one node's recover (or whoami) document says, as fleet recover needs it. */
export interface RecoverOutcome {
  /** recover's `result`, whoami's verdict, or `no-answer`. */
  status: string;
  reason: string | null;
  /** Recovered and its fresh identity is the instance-profile role. */
  verified: boolean;
  /** A whoami document with a healthy verdict. */
  healthy: boolean;
}

export interface SharedHome {
  /** The `~/.aws` several nodes use. */
  path: string;
  nodes: string[];
  /** The node that moved it aside (once, for all of them). */
  movedBy: string | null;
}

export function verdictOf(answer: NodeAnswer | undefined): RecoverOutcome {
  const doc = record(answer?.document);
  if (!doc)
    return {
      status: answer?.unavailable ?? "no-answer",
      reason: answer?.reason ?? null,
      verified: false,
      healthy: false,
    };
  const verdict = text(record(doc.verdict)?.status);
  if (verdict)
    return {
      status: verdict,
      reason: text(record(doc.verdict)?.reason),
      verified: false,
      healthy: verdict === "healthy",
    };
  const status = text(doc.result) ?? "unknown";
  const verification = text(record(doc.verification)?.status);
  return {
    status,
    reason: text(doc.reason),
    verified: status === "recovered" && verification === "healthy",
    healthy: false,
  };
}

/**
 * The nodes that recover runs on: one per `~/.aws` folder. A node whose folders an earlier node already
 * covers (one shared home) is left to that node; two runs on one home would race for the same backup name.
 */
export function oneNodePerHome(nodes: readonly string[], plans: ReadonlyMap<string, NodeAnswer>): string[] {
  const covered = new Set<string>();
  return nodes.filter((name) => {
    const dirs = awsDirs(plans.get(name)?.document);
    if (dirs.length > 0 && dirs.every((dir) => covered.has(dir))) return false;
    dirs.forEach((dir) => covered.add(dir));
    return true;
  });
}

/** `~/.aws` folders that more than one node planned to move: one shared home, moved by one of them. */
export function sharedHomes(
  plans: ReadonlyMap<string, NodeAnswer>,
  done: ReadonlyMap<string, NodeAnswer>,
): SharedHome[] {
  const byPath = new Map<string, string[]>();
  for (const [name, answer] of plans) {
    if (verdictOf(answer).status !== "planned") continue;
    for (const path of awsDirs(answer.document)) byPath.set(path, [...(byPath.get(path) ?? []), name]);
  }
  return [...byPath]
    .filter(([, nodes]) => nodes.length > 1)
    .map(([path, nodes]) => ({
      path,
      nodes,
      movedBy: nodes.find((name) => verdictOf(done.get(name)).status === "recovered") ?? null,
    }));
}

function awsDirs(document: unknown): string[] {
  const users = record(document)?.users;
  if (!Array.isArray(users)) return [];
  return users.flatMap((user) => {
    const path = text(record(record(user)?.awsDir)?.path);
    return path ? [path] : [];
  });
}
