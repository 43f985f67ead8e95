import type { NodeAnswer } from "./engine";
import type { RunGroup } from "./slurm-nodes";

/** srun --label output: each line starts with the task's rank (`  3: …`); lines of one task are kept apart. */
export function splitLabelled(text: string): Map<number, string> {
  const byTask = new Map<number, string[]>();
  for (const line of text.split("\n")) {
    const match = /^\s*(\d+): ?(.*)$/.exec(line);
    if (!match) continue;
    const rank = Number(match[1]);
    const lines = byTask.get(rank) ?? [];
    lines.push(match[2] ?? "");
    byTask.set(rank, lines);
  }
  return new Map([...byTask].map(([rank, lines]) => [rank, lines.join("\n")]));
}

export type ParsedDocument = { document: unknown } | { problem: string };

/**
 * The JSON document a task printed, or why there is none. A node may print before it (a TaskProlog's `print`,
 * a MOTD with braces) or after it: the document is the last stretch that parses as one of hpiam's, from a `{`
 * line to the next `}` line (hpiam indents its documents, so only theirs start and end at the margin), or one line.
 */
export function parseDocument(text: string | undefined): ParsedDocument {
  if (text === undefined || text.trim() === "") return { problem: "printed nothing" };
  const whole = asDocument(text);
  if (whole) return whole;
  const lines = text.split("\n").map((line) => line.trimEnd());
  for (let start = lines.length - 1; start >= 0; start--) {
    const line = lines[start] ?? "";
    if (line === "{") {
      const end = lines.indexOf("}", start);
      const found = end > start ? asDocument(lines.slice(start, end + 1).join("\n")) : undefined;
      if (found) return found;
    } else if (line.startsWith("{") && line.endsWith("}")) {
      const found = asDocument(line);
      if (found) return found;
    }
  }
  return { problem: problemOf(text) };
}

function asDocument(text: string): { document: unknown } | undefined {
  try {
    const document: unknown = JSON.parse(text);
    const ours = typeof document === "object" && document !== null && "schemaVersion" in document;
    return ours ? { document } : undefined;
  } catch {
    return undefined;
  }
}

function problemOf(text: string): string {
  try {
    JSON.parse(text);
    return "printed JSON that is not an hpiam document";
  } catch {
    return `printed something that is not JSON: ${firstLine(text)}`;
  }
}

/** A task's first line of stderr, as a reason a person can read. */
export function firstLine(text: string | undefined): string {
  const line = (text ?? "").split("\n").find((l) => l.trim()) ?? "";
  return line.length > 160 ? `${line.slice(0, 157)}…` : line.trim();
}

/** How many tasks have finished printing: a document by `JSON.stringify(…, null, 2)` ends with `}` alone. */
export function countFinished(text: string): number {
  return new Set([...text.matchAll(/^\s*(\d+): \}$/gm)].map((m) => m[1])).size;
}

/**
 * srun's own lines about tasks, by rank: `srun: error: n3: task 2: Exited with exit code 1` (a range or list
 * of ranks: `tasks 0-2,5`). These are unlabelled; they say a task ended, and how.
 */
export function taskEndings(stderr: string): Map<number, string> {
  const endings = new Map<number, string>();
  for (const match of stderr.matchAll(/^srun: error: ([^:\s]+): tasks? ([\d,-]+): (.*)$/gm)) {
    const [, node = "", ranks = "", said = ""] = match;
    for (const rank of expandRanks(ranks)) endings.set(rank, `${node}: ${said.trim()}`);
  }
  return endings;
}

function expandRanks(list: string): number[] {
  return list.split(",").flatMap((part) => {
    const [from = "", to = from] = part.split("-");
    const [a, b] = [Number(from), Number(to)];
    if (!Number.isInteger(a) || !Number.isInteger(b) || b < a || b - a > 100_000) return [];
    return Array.from({ length: b - a + 1 }, (_, i) => a + i);
  });
}

/** srun's own error about the whole step (no allocation, a bad option), not one of its tasks' endings. */
export function stepError(stderr: string): string | undefined {
  return stderr
    .split("\n")
    .find((line) => /^srun: error: /.test(line) && !/^srun: error: [^:\s]+: tasks? [\d,-]+: /.test(line));
}

/** What one srun step gave back. */
export interface StepOutput {
  stdout: string;
  stderr: string;
  /** Killed at the deadline: some tasks may still have been running. */
  timedOut: boolean;
}

/**
 * Each node's answer out of one srun step, its own whatever the others did: a document printed (after any noise)
 * is read even when another node hung; a task srun saw end keeps its own ending and stderr; only a task that
 * neither printed a document nor ended did not answer in time. srun's own error (no allocation) is every silent
 * node's reason.
 */
export function judgeStep(
  group: Pick<RunGroup, "nodes" | "reservation">,
  step: StepOutput,
  timeoutMs: number,
): NodeAnswer[] {
  const out = splitLabelled(step.stdout);
  const err = splitLabelled(step.stderr);
  const endings = taskEndings(step.stderr);
  const failed = stepError(step.stderr);
  const late = `did not answer within ${timeoutMs / 1000} s`;
  return group.nodes.map((name, rank): NodeAnswer => {
    const stderr = err.get(rank);
    const own = stderr === undefined ? {} : { stderr };
    const parsed = parseDocument(out.get(rank));
    if ("document" in parsed) return { name, document: parsed.document, ...own };
    // At the deadline Slurm cancels the tasks still running ("*** STEP 6.0 ON n1 CANCELLED …", "Killed"):
    // only a task that exited by itself ended on its own.
    const ended = endings.get(rank);
    const ending = step.timedOut && !/Exited with exit code/.test(ended ?? "") ? undefined : ended;
    const said = firstLine(stderr?.replace(/^slurmstepd\S*: error: \*\*\* .*\*\*\*$/gm, ""));
    const silent = !out.has(rank) && stderr === undefined && ending === undefined;
    if (step.timedOut && ending === undefined)
      return { name, unavailable: "no-answer", reason: said ? `${late}; stderr: ${said}` : late, ...own };
    if (silent && failed) {
      const where = group.reservation ? ` (in reservation ${group.reservation})` : "";
      return {
        name,
        unavailable: "no-answer",
        reason: `${failed.replace(/^srun: error: /, "srun: ")}${where}`,
        notAsked: true,
      };
    }
    const how = said ? `; stderr: ${said}` : ending ? `; srun: ${ending}` : "";
    return { name, unavailable: "not-hpiam", reason: `hpiam there ${parsed.problem}${how}`, ...own };
  });
}
