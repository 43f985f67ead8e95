import type { CheckStatus } from "./checks/check";
import type { DiagnoseResult } from "./diagnose";
import { printableTree } from "../output/printable";
import type { Style } from "../output/style";

const MARK: Record<CheckStatus, (s: Style) => string> = {
  pass: (s) => s.green("✔"),
  warn: (s) => s.yellow("!"),
  fail: (s) => s.red("✖"),
  skip: (s) => s.dim("–"),
  error: (s) => s.magenta("?"),
};

/**
 * A table scanned in seconds (mark, check, message), the fixes of what is wrong in report order, what could not
 * be decided and what to try, the summary last.
 */
export function renderDiagnose(raw: DiagnoseResult, style: Style): string {
  const result = printableTree(raw);
  const width = Math.max(0, ...result.checks.map((check) => check.id.length));
  const table = result.checks.map(
    (check) => `${MARK[check.status](style)} ${check.id.padEnd(width)}  ${check.message}`,
  );
  const fixes = result.checks
    .filter((check) => check.remediation && (check.status === "fail" || check.status === "warn"))
    .map(
      (check) =>
        `  ${MARK[check.status](style)} ${check.id.padEnd(width)}  ${style.bold(check.remediation ?? "")}`,
    );
  const undecided = result.checks
    .filter((check) => check.status === "error")
    .map(
      (check) =>
        `  ${MARK.error(style)} ${check.id.padEnd(width)}  ${check.message}\n  ${" ".repeat(width + 4)}try: ${style.bold(check.remediation ?? `hpiam diagnose --checks ${check.id} --verbose`)}`,
    );
  return [
    table.join("\n"),
    fixes.length > 0 ? `${style.bold("to fix")}\n${fixes.join("\n")}` : "",
    undecided.length > 0
      ? `${style.bold("could not decide (so this node is not called healthy)")}\n${undecided.join("\n")}`
      : "",
    summaryLine(result, style),
  ]
    .filter(Boolean)
    .join("\n\n")
    .concat("\n");
}

function summaryLine({ summary }: DiagnoseResult, style: Style): string {
  const counts = (["pass", "warn", "fail", "skip", "error"] as const)
    .filter((status) => summary[status] > 0)
    .map((status) => `${summary[status]} ${status}`)
    .join(", ");
  if (summary.status === "healthy") return `${style.green("✔ healthy")}  ${counts}`;
  if (summary.status === "unknown") {
    const why = summary.error === 0 ? ": no check decided anything" : "";
    return `${style.magenta("? unknown")}  ${counts}${why}`;
  }
  return `${style.red("✖ unhealthy")}  ${counts}`;
}
