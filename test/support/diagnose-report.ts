import { checkOf, type CheckId, type CheckResult, type DiagnoseResult } from "../../src/contract/diagnose";
import { expect } from "vitest";
import type { RunResult } from "./cli";
import type { SimulatedNode } from "./simulated-node";

export interface Report {
  exitCode: number;
  doc: DiagnoseResult;
  /** The check with this id, its details typed; a test about a check that is not in the report fails here. */
  check: <Id extends CheckId>(id: Id) => CheckResult<Id>;
  result: RunResult;
}

/** `hpiam diagnose --json`'s answer, parsed (the harness has checked it against the contract). */
export function diagnoseReport(result: RunResult): Report {
  const doc = JSON.parse(result.stdout) as DiagnoseResult;
  const check = <Id extends CheckId>(id: Id) => {
    const found = checkOf(doc, id);
    if (!found) throw new Error(`no ${id} check in the report`);
    return found;
  };
  return { exitCode: result.exitCode, doc, result, check };
}

export const ALL_CHECKS = [
  "hyperpod-node",
  "caller-identity",
  "credential-source",
  "instance-profile",
  "aws-files",
  "environment",
  "root-credentials",
  "other-users",
  "shared-home",
  "imds-proxy",
  "ssm-agent",
  "clock-skew",
];

/** This checks, in report order (the IAM checks, execution-role and ssm-access, come after them). */
export function expectEveryCheck(doc: DiagnoseResult): void {
  expect(doc.checks.map((c) => c.id).slice(0, ALL_CHECKS.length)).toEqual(ALL_CHECKS);
}

/** `hpiam diagnose --json` run on the simulated node, its answer parsed. */
export async function diagnose(node: SimulatedNode, args: string[] = [], env: Record<string, string> = {}) {
  const result = await node.hpiam(["diagnose", "--json", ...args], env);
  return diagnoseReport(result);
}

/** Every check's message is one line. */
export function expectOneLineChecks(doc: DiagnoseResult): void {
  for (const c of doc.checks) expect(c.message, c.id).not.toMatch(/\n/);
}
