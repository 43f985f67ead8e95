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
