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

/** The JSON document a task printed, or why there is none. */
export function parseDocument(text: string | undefined): { document: unknown } | { problem: string } {
  if (text === undefined || text.trim() === "") return { problem: "printed nothing" };
  try {
    const document: unknown = JSON.parse(text);
    if (typeof document === "object" && document !== null && "schemaVersion" in document) return { document };
    return { problem: "printed JSON that is not an hpiam document" };
  } catch {
    return { problem: `printed something that is not JSON: ${firstLine(text)}` };
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
