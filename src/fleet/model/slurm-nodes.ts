import type { FleetNode } from "./engine";

/** One line of `scontrol show node -o`: `Key=Value` pairs, where Reason's value runs to its ` [user@time]`. */
export function parseNodeLine(line: string): Record<string, string> {
  const fields: Record<string, string> = {};
  const reason = /\bReason=(.*?)(?: \[[^\]]*\])?(?= \w+=|$)/.exec(line);
  if (reason?.[1] !== undefined) fields.Reason = reason[1];
  for (const match of line.replace(/\bReason=.*?(?= \w+=|$)/, "").matchAll(/(\w+)=(\S*)/g)) {
    const [, key = "", value = ""] = match;
    fields[key] ??= value;
  }
  return fields;
}

/** The nodes of `scontrol show node -o`, in Slurm's node-table order (the order srun gives tasks to nodes). */
export function parseNodes(text: string): FleetNode[] {
  return text
    .split("\n")
    .filter((line) => line.startsWith("NodeName="))
    .map((line) => {
      const fields = parseNodeLine(line);
      return { name: fields.NodeName ?? "?", ...judgeState(fields.State ?? "UNKNOWN", fields.Reason) };
    });
}

/** The partitions each node is in, from the same lines. */
export function nodePartitions(text: string): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const line of text.split("\n").filter((l) => l.startsWith("NodeName="))) {
    const fields = parseNodeLine(line);
    map.set(fields.NodeName ?? "?", (fields.Partitions ?? "").split(",").filter(Boolean));
  }
  return map;
}

/**
 * Whether srun can start a task there now. ALLOCATED (every CPU taken) would make srun wait; a drained or
 * rebooting node takes no new work; MIXED and IDLE can be asked.
 */
export function judgeState(state: string, reason?: string): Omit<FleetNode, "name"> {
  const [base = "", ...flags] = state.toUpperCase().split("+");
  const why = reason && reason !== "none" && reason !== "(null)" ? `: ${reason}` : "";
  const has = (flag: string) => flags.some((f) => f.startsWith(flag));
  if (base.startsWith("DOWN") || base.startsWith("FUTURE") || has("NOT_RESPONDING") || has("POWER"))
    return { state, unavailable: "down", reason: `Slurm says ${state}${why}` };
  if (has("REBOOT")) return { state, unavailable: "rebooting", reason: `Slurm says ${state}${why}` };
  if (has("DRAIN")) return { state, unavailable: "drained", reason: `Slurm says ${state}${why}` };
  if (base.startsWith("ALLOC") || base.startsWith("COMPLETING"))
    return { state, unavailable: "busy", reason: `Slurm says ${state}: every CPU is in use by jobs` };
  if (base.startsWith("IDLE") || base.startsWith("MIX")) return { state };
  return { state, unavailable: "down", reason: `Slurm says ${state}${why}` };
}

export interface Reservation {
  name: string;
  /** Its nodes, a Slurm host list. */
  nodes: string;
}

/** The active reservations of `scontrol show reservation -o` ("No reservations in the system" when none). */
export function parseReservations(text: string): Reservation[] {
  return text
    .split("\n")
    .filter((line) => line.startsWith("ReservationName="))
    .map(parseNodeLine)
    .filter((fields) => (fields.State ?? "ACTIVE").toUpperCase() === "ACTIVE" && fields.Nodes)
    .map((fields) => ({ name: fields.ReservationName ?? "", nodes: fields.Nodes ?? "" }));
}

/** Where srun may start a task on a node: its partitions, and the reservation that holds it, if one does. */
export interface NodePlace {
  partitions: readonly string[];
  reservation?: string;
  /** The caller's own job holds the node (hpiam fleet run inside it): asked in a step of that job. */
  job?: string;
}

/** One srun step: nodes of one partition (and one reservation), so that no node's place fails another's. */
export interface RunGroup {
  /** Undefined: the node is in no partition (srun will say why it cannot run there), or a step of `job`. */
  partition?: string;
  reservation?: string;
  job?: string;
  nodes: string[];
}

/**
 * The nodes split into srun steps. One step needs one partition holding all its nodes, and a reserved node
 * starts work only in its reservation: the caller's --partition when given, else the partition that holds the
 * most nodes left, until every node has one. Nodes the caller's own job holds are one step of that job. Nodes
 * keep their order within a step.
 */
export function runGroups(
  nodes: readonly string[],
  placeOf: (name: string) => NodePlace | undefined,
  partition?: string,
): RunGroup[] {
  const own = nodes.filter((name) => placeOf(name)?.job !== undefined);
  const job = own.length ? placeOf(own[0] ?? "")?.job : undefined;
  const byReservation = new Map<string, string[]>();
  for (const name of nodes.filter((n) => !own.includes(n))) {
    const key = placeOf(name)?.reservation ?? "";
    byReservation.set(key, [...(byReservation.get(key) ?? []), name]);
  }
  const groups: RunGroup[] = [];
  for (const [reservation, names] of byReservation) {
    const extra = reservation ? { reservation } : {};
    if (partition !== undefined) {
      groups.push({ partition, ...extra, nodes: names });
      continue;
    }
    let left = names;
    while (left.length) {
      const counts = new Map<string, number>();
      for (const name of left)
        for (const p of placeOf(name)?.partitions ?? []) counts.set(p, (counts.get(p) ?? 0) + 1);
      const best = [...counts].reduce<[string, number] | undefined>(
        (top, entry) => (top === undefined || entry[1] > top[1] ? entry : top),
        undefined,
      );
      if (!best) {
        groups.push({ ...extra, nodes: left });
        break;
      }
      const inBest = (name: string) => placeOf(name)?.partitions.includes(best[0]) ?? false;
      groups.push({ partition: best[0], ...extra, nodes: left.filter(inBest) });
      left = left.filter((name) => !inBest(name));
    }
  }
  return job ? [...groups, { job, nodes: own }] : groups;
}
