/** The `Host` entry connect-head keeps in ~/.ssh/config, and where it goes in the file (pure text in, text out). */

/** Marks the entries hpiam wrote, so that it updates its own and never touches anyone else's. */
export const HPIAM_MARKER = "# hpiam connect-head";

export interface HostEntry {
  host: string;
  user: string;
  proxyCommand: string;
  /** Said in the marker line, for the person who reads the file later. */
  clusterArn: string;
}

export function renderHostEntry(entry: HostEntry): string {
  return [
    `${HPIAM_MARKER}: ${entry.clusterArn}`,
    `Host ${entry.host}`,
    `    User ${entry.user}`,
    `    ProxyCommand ${entry.proxyCommand}`,
  ].join("\n");
}

export type SshConfigEdit =
  | { change: "added" | "updated"; text: string }
  | { change: "unchanged" }
  /** A `Host` line for this name that hpiam did not write (1-based line number). */
  | { change: "conflict"; line: number };

const HOST_OR_MATCH = /^\s*(host|match)(\s*=\s*|\s+)(.*)$/i;

/**
 * Puts `entry` (from renderHostEntry) into `config`: replaces hpiam's earlier entry for the same host, or adds
 * it before the first Host/Match block. ssh takes the first value it finds, so a `Host *` block further
 * down cannot override it; and lines before the first block stay global.
 */
export function placeHostEntry(config: string, host: string, entry: string): SshConfigEdit {
  const lines = config === "" ? [] : config.replace(/\n$/, "").split("\n");
  const at = lines.findIndex((line) => hostPatterns(line)?.includes(host));
  if (at >= 0) {
    if (!lines[at - 1]?.startsWith(HPIAM_MARKER)) return { change: "conflict", line: at + 1 };
    const end = blockEnd(lines, at + 1);
    const current = lines.slice(at - 1, end).join("\n");
    if (current === entry) return { change: "unchanged" };
    return { change: "updated", text: joinLines([...lines.slice(0, at - 1), entry, ...lines.slice(end)]) };
  }
  const first = lines.findIndex((line, i) => HOST_OR_MATCH.test(line) || isMarkerBefore(lines, i));
  if (first < 0) {
    const gap = lines.length > 0 && lines[lines.length - 1]?.trim() !== "" ? [""] : [];
    return { change: "added", text: joinLines([...lines, ...gap, entry]) };
  }
  return { change: "added", text: joinLines([...lines.slice(0, first), entry, "", ...lines.slice(first)]) };
}

/** The patterns of a `Host` line, undefined for any other line. */
function hostPatterns(line: string): string[] | undefined {
  const match = HOST_OR_MATCH.exec(line);
  if (!match || match[1]?.toLowerCase() !== "host") return undefined;
  return (match[3] ?? "").trim().split(/\s+/);
}

function isMarkerBefore(lines: readonly string[], i: number): boolean {
  return Boolean(lines[i]?.startsWith(HPIAM_MARKER) && HOST_OR_MATCH.test(lines[i + 1] ?? ""));
}

/** An entry runs to the next Host/Match line (or hpiam marker), without the blank lines before it. */
function blockEnd(lines: readonly string[], from: number): number {
  let end = from;
  while (end < lines.length && !HOST_OR_MATCH.test(lines[end] ?? "") && !isMarkerBefore(lines, end)) end++;
  while (end > from && lines[end - 1]?.trim() === "") end--;
  return end;
}

function joinLines(lines: readonly string[]): string {
  return `${lines.join("\n")}\n`;
}
