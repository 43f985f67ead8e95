import type { CheckResult } from "../../src/checks/check";
import type { DiagnoseResult } from "../../src/commands/diagnose";
import { expect } from "vitest";
import type { RunResult } from "./simulated-node";

export interface Report {
  exitCode: number;
  doc: DiagnoseResult;
  /** The check with this id; a test about a check that is not in the report fails here. */
  check: (id: string) => CheckResult;
  result: RunResult;
}

/** `hpiam diagnose --json`'s answer, parsed. */
export function diagnoseReport(result: RunResult): Report {
  const doc = JSON.parse(result.stdout) as DiagnoseResult;
  const check = (id: string) => {
    const found = doc.checks.find((c) => c.id === id);
    if (!found) throw new Error(`no ${id} check in the report`);
    return found;
  };
  return { exitCode: result.exitCode, doc, result, check };
}

/** Every check's message is one line. */
export function expectOneLineChecks(doc: DiagnoseResult): void {
  for (const c of doc.checks) expect(c.message, c.id).not.toMatch(/\n/);
}
