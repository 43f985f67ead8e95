import type { NodeUnread } from "./node-documents";
import type { NodeFinding } from "./node-findings";

/** One node's line of the fleet report: `answered` with what its document says, or why there is none to read. */
export type FleetNodeReport = {
  name: string;
  reason: string | null;
  /** The engine's state of the node (Slurm: IDLE, DOWN+NOT_RESPONDING, …), when known. */
  state: string | null;
  /** The node's own document, as it printed it. */
  document: unknown;
} & ({ status: "answered"; finding: NodeFinding } | { status: NodeUnread; finding: null });

export interface FleetGroup {
  /** One line: the cause these nodes share. */
  cause: string;
  verdict: NodeFinding["verdict"] | NodeUnread;
  nodes: string[];
  /** The nodes in the engine's short form (`n[2-3]`); filled in by the command. */
  nodelist: string;
  /** The shared filesystem all these nodes' keys are in: one home, one fix. */
  sharedHome: string | null;
}

const NOT_ANSWERED: Record<NodeUnread, true> = {
  busy: true,
  down: true,
  drained: true,
  rebooting: true,
  "no-answer": true,
  "not-hpiam": true,
  "unknown-node": true,
  "not-connected": true,
  refused: true,
  error: true,
  "bad-document": true,
};

/** A verdict that is why a node gave no document to read (busy, down, not connected…), not what it said. */
export const isUnanswered = (verdict: string): boolean => Object.hasOwn(NOT_ANSWERED, verdict);

/** Problems first, then nodes that gave no answer, healthy ones last. */
const ORDER = (group: FleetGroup) => (group.verdict === "healthy" ? 2 : isUnanswered(group.verdict) ? 1 : 0);

/**
 * Nodes that share a verdict, identity, key source, failing checks and what root's keys break on their SSM agent
 * are one cause; problems come first.
 */
export function groupByCause(nodes: readonly FleetNodeReport[]): FleetGroup[] {
  const groups = new Map<string, FleetGroup>();
  for (const node of nodes) {
    const { key, group } = causeOf(node);
    const found = groups.get(key);
    if (found) found.nodes.push(node.name);
    else groups.set(key, { ...group, nodes: [node.name], nodelist: node.name });
  }
  for (const group of groups.values()) group.nodelist = group.nodes.join(",");
  return [...groups.values()].sort((a, b) => ORDER(a) - ORDER(b) || b.nodes.length - a.nodes.length);
}

function causeOf(node: FleetNodeReport): { key: string; group: Omit<FleetGroup, "nodes" | "nodelist"> } {
  if (node.status !== "answered") {
    const reason = node.reason ?? node.status;
    return {
      key: `${node.status}\n${reason}`,
      group: { verdict: node.status, cause: `${node.status}: ${reason}`, sharedHome: null },
    };
  }
  const { finding } = node;
  const parts = [
    finding.identity ? `signs as ${finding.identity}` : null,
    finding.source ? `from ${finding.source}` : null,
    finding.accessKeyId,
    finding.failing.length ? `failing ${finding.failing.join(", ")}` : null,
    finding.agentImpact ? `SSM agent: ${finding.agentImpact}` : null,
    finding.rebootDue ? `a reboot still due since ${finding.rebootDue}` : null,
  ].filter((part): part is string => part !== null);
  const sharedHome = finding.accessKeyId && finding.sharedHome ? finding.sharedHome : null;
  const key = [
    finding.verdict,
    finding.identity,
    finding.source,
    finding.accessKeyId,
    finding.failing.join(","),
    sharedHome,
    finding.agentImpact,
    finding.rebootDue,
  ].join("\n");
  return {
    key,
    group: {
      verdict: finding.verdict,
      cause: `${finding.verdict}: ${parts.join(", ") || "no identity"}`,
      sharedHome,
    },
  };
}
