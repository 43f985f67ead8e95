import type { FleetReport } from "./fleet";
import { printableTree } from "../output/printable";
import { type FleetGroup, type FleetNodeReport, isUnanswered } from "./model/group-nodes";
import type { Style } from "../output/style";

/** The table of nodes, the nodes grouped by cause, and a summary line. */
export function renderFleet(raw: FleetReport, style: Style): string {
  // What the nodes printed reaches this terminal: their control characters escaped (the documents are not shown).
  const report = printableTree({ ...raw, nodes: raw.nodes.map((node) => ({ ...node, document: null })) });
  // Healthy or not, a node whose keys moved without a reboot still has processes holding them.
  const due = report.nodes.flatMap((node) => (node.finding?.rebootDue ? [node.name] : []));
  const dueLine = due.length
    ? `${style.yellow("!")} a reboot is still due on ${due.join(", ")}: hpiam fleet recover --nodes ${due.join(",")} --yes queues it`
    : "";
  return [
    nodeTable(report.nodes, style),
    `${style.bold("by cause")}\n${report.groups.map((group) => groupLine(group, style)).join("\n")}`,
    dueLine,
    fleetSummaryLine(report, style),
  ]
    .filter(Boolean)
    .join("\n\n")
    .concat("\n");
}

export function mark(verdict: string, style: Style): string {
  if (verdict === "healthy" || verdict === "recovered") return style.green("✔");
  return isUnanswered(verdict) ? style.yellow("–") : style.red("✖");
}

/** A cell's widest: one node's 450-character reason must not pad every row (the JSON has it whole). */
export const CELL_WIDTH = 100;

/** A cell cut to `width` characters, its end shown as `…`. */
export function cut(text: string, width = CELL_WIDTH): string {
  const chars = [...text];
  return chars.length > width ? `${chars.slice(0, width - 1).join("")}…` : text;
}

/** Verdicts the key source alone does not explain: the table shows the node's own reason beside it. */
const EXPLAINED_BY_REASON = new Set(["broken", "unknown", "no-credentials", "unhealthy"]);

function nodeTable(nodes: readonly FleetNodeReport[], style: Style): string {
  const rows = nodes.map((node) => {
    const finding = node.finding;
    const verdict = finding?.verdict ?? node.status;
    const source = finding ? [finding.source, finding.accessKeyId].filter(Boolean).join(" ") : "";
    const why = finding && EXPLAINED_BY_REASON.has(verdict) ? (finding.reason ?? "") : "";
    const said = finding ? [source, why].filter(Boolean).join(" — ") || "—" : (node.reason ?? "—");
    return [
      node.name,
      verdict,
      shortArn(finding?.identity ?? null),
      cut(said),
      [finding?.failing.join(","), finding?.rebootDue && `reboot due since ${finding.rebootDue}`]
        .filter(Boolean)
        .join("  "),
    ];
  });
  const header = ["NODE", "VERDICT", "IDENTITY", "SOURCE", "FAILING CHECKS"];
  const widths = header.map((title, i) =>
    Math.max(title.length, ...rows.map((row) => (row[i] ?? "").length)),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join("  ")
      .trimEnd();
  const marks = nodes.map((node) =>
    node.finding?.rebootDue && node.finding.verdict === "healthy"
      ? style.yellow("!")
      : mark(node.finding?.verdict ?? node.status, style),
  );
  return [`  ${style.dim(line(header))}`, ...rows.map((row, i) => `${marks[i]} ${line(row)}`)].join("\n");
}

function groupLine(group: FleetGroup, style: Style): string {
  const count = `${group.nodes.length} node${group.nodes.length === 1 ? "" : "s"}`;
  const shared = group.sharedHome
    ? ` — one shared home (${group.sharedHome}): recover it once, reboot every node`
    : "";
  return `  ${mark(group.verdict, style)} ${count}  ${group.nodelist}  ${group.cause}${shared}`;
}

export function fleetSummaryLine({ summary }: Pick<FleetReport, "summary">, style: Style): string {
  const parts = [
    `${summary.healthy} healthy`,
    ...(summary.unhealthy ? [`${summary.unhealthy} not healthy`] : []),
    ...(summary.unavailable ? [`${summary.unavailable} without an answer`] : []),
  ].join(", ");
  if (summary.status === "healthy")
    return `${style.green("✔ healthy")}  ${summary.nodes} of ${summary.nodes} nodes`;
  if (summary.status === "not-asked") return `${style.red("✖ no node could be asked")}  ${parts}`;
  return `${style.red("✖ unhealthy")}  ${summary.nodes} nodes: ${parts}`;
}

/** `arn:aws:sts::123456789012:assumed-role/R/SageMaker` → `assumed-role/R/SageMaker`: the account is one for all. */
function shortArn(arn: string | null): string {
  if (!arn) return "—";
  return arn.replace(/^arn:aws[\w-]*:(iam|sts)::\d{12}:/, "");
}
