import type { CheckStatus } from "../checks/check";
import type { DiagnoseResult } from "../commands/diagnose";
import type { Style } from "./style";

const MARK: Record<CheckStatus, (s: Style) => string> = {
  pass: (s) => s.green("✔"),
  warn: (s) => s.yellow("!"),
  fail: (s) => s.red("✖"),
  skip: (s) => s.dim("–"),
  error: (s) => s.magenta("?"),
};

/** A table scanned in seconds (mark, check, message), the fixes of what is wrong in report order, the summary last. */
export function renderDiagnose(result: DiagnoseResult, style: Style): string {
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
  return [
    table.join("\n"),
    fixes.length > 0 ? `${style.bold("to fix")}\n${fixes.join("\n")}` : "",
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
  return summary.status === "healthy"
    ? `${style.green("✔ healthy")}  ${counts}`
    : `${style.red("✖ unhealthy")}  ${counts}`;
}
