/**
 * One rule for "is this node healthy", whichever command asks: whoami's verdict and diagnose's report both fold
 * into it, so the same facts never give `unknown` (exit 3) in one command and `unhealthy` (exit 1) in the other.
 */
import type { CheckStatus } from "./diagnose";
import { ExitCode } from "../errors";
import type { VerdictStatus } from "../identity/model/verdict";

export type NodeHealth = "healthy" | "unhealthy" | "unknown";

/**
 * A verdict as one finding: a wrong or unusable identity fails; no keys to judge, or no answer to judge them
 * by, could not decide (README: exit 3 is "could not run or decide").
 */
const VERDICT_FINDING: Record<VerdictStatus, CheckStatus> = {
  healthy: "pass",
  overridden: "fail",
  mismatch: "fail",
  broken: "fail",
  "no-credentials": "error",
  unknown: "error",
};

/**
 * Any failure makes the node unhealthy. Otherwise a finding that could not decide, or none that decided
 * anything (every check skipped), leaves it unknown: a report where nothing passed is no healthy node.
 */
export function healthOf(findings: readonly CheckStatus[]): NodeHealth {
  if (findings.includes("fail")) return "unhealthy";
  const decided = findings.some((status) => status === "pass" || status === "warn");
  return findings.includes("error") || !decided ? "unknown" : "healthy";
}

export function verdictHealth(status: VerdictStatus): NodeHealth {
  return healthOf([VERDICT_FINDING[status]]);
}

/** 0 healthy (warnings allowed), 1 unhealthy, 3 could not decide. */
export function healthExitCode(health: NodeHealth): ExitCode {
  if (health === "healthy") return ExitCode.ok;
  return health === "unhealthy" ? ExitCode.problems : ExitCode.cannotRun;
}
