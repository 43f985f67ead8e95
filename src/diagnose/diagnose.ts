import { CATALOGUE, CHECK_IDS } from "./catalogue";
import type { Check, CheckInput, CheckOutcome, DiagnoseOptions } from "./checks/check";
import { createFacts } from "./checks/facts";
import type {
  CheckDetails,
  CheckId,
  CheckResult,
  CheckStatus,
  DiagnoseResult,
  DiagnoseSummary,
} from "../contract/diagnose";
import type { Context } from "../context";
import { scrubSecrets } from "../output/scrub";
import { type ExitCode, HpiamError, UsageError } from "../errors";
import { validateIamOptions } from "../iam/find-execution-role";
import { healthExitCode, healthOf } from "../contract/node-health";
import { readingOnce } from "../shell/read-once";

export type { DiagnoseOptions } from "./checks/check";
export type { DiagnoseResult } from "../contract/diagnose";

/** Each check's own bound; they run side by side, so the whole report takes about this long at worst. */
export const CHECK_TIMEOUT_MS = 5000;

export async function diagnose(
  options: DiagnoseOptions,
  ctx: Context,
  timeoutMs = CHECK_TIMEOUT_MS,
): Promise<DiagnoseResult> {
  const selected = selectChecks(options.checks);
  if (options.allUsers && ctx.user.uid !== 0) {
    throw new UsageError("--all-users needs root", "Run: sudo hpiam diagnose --all-users");
  }
  validateIamOptions(options);
  // Every home's run lists the users before any check asks for one (root's entry then comes from that answer).
  if (options.allUsers) ctx.user.all().catch(() => undefined);
  // The checks read the same files (the caller's startup files, /etc's for every home): once a run.
  const reading = readingOnce(ctx);
  const input: CheckInput = { options, facts: createFacts(reading, options) };
  const [checks, node] = await Promise.all([
    Promise.all(selected.map((check) => runCheck(check, input, reading, timeoutMs))),
    withTimeout(input.facts.node(), timeoutMs).then(
      (lookup) => (lookup.state === "found" ? lookup.summary : null),
      () => null,
    ),
  ]);
  return { schemaVersion: 1, summary: summarise(checks), checks, node };
}

/** whoami's rule: 0 healthy (warnings allowed), 1 a check failed, 3 none failed but none could decide. */
export function diagnoseExitCode(result: DiagnoseResult): ExitCode {
  return healthExitCode(result.summary.status);
}

/** `--checks a,b`: those, in report order; an unknown id is a usage error that lists the valid ones. */
export function selectChecks(list: string | undefined): readonly Check[] {
  if (list === undefined) return CATALOGUE;
  const asked = list
    .split(",")
    .map((id) => id.trim())
    .filter(Boolean);
  const unknown = asked.filter((id) => !CHECK_IDS.includes(id));
  if (asked.length === 0 || unknown.length > 0) {
    throw new UsageError(
      asked.length === 0 ? "--checks: no check id given" : `--checks: unknown check id ${unknown.join(", ")}`,
      `Valid ids: ${CHECK_IDS.join(", ")}.`,
    );
  }
  return CATALOGUE.filter((check) => asked.includes(check.id));
}

/** One check, bounded; whatever it throws becomes its own `error`, never the report's. */
async function runCheck<Id extends CheckId>(
  check: Check<Id>,
  input: CheckInput,
  ctx: Context,
  timeoutMs: number,
): Promise<CheckResult<Id>> {
  const privileged = check.needs !== "root" || ctx.user.uid === 0;
  let outcome: CheckOutcome<CheckDetails<Id>>;
  try {
    const work = Promise.resolve().then(() =>
      privileged
        ? check.run(input, ctx)
        : (check.unprivileged?.(input, ctx) ?? {
            status: "skip" as const,
            message: "needs root: run with sudo",
            remediation: "sudo hpiam diagnose",
          }),
    );
    outcome = await withTimeout(work, timeoutMs);
  } catch (error) {
    outcome = failedToRun(check.id, error, timeoutMs);
    ctx.log.debug(`check ${check.id}: ${(error as Error)?.stack ?? String(error)}`);
  }
  return {
    id: check.id,
    title: check.title,
    status: outcome.status,
    message: outcome.message,
    remediation: outcome.remediation ?? null,
    details: outcome.details ?? {},
  };
}

/** A check that could not decide says what to try: an `error` is never left without a next step. */
function failedToRun(id: string, error: unknown, timeoutMs: number): CheckOutcome {
  const again = `hpiam diagnose --checks ${id} --verbose`;
  if (error instanceof CheckTimeout) {
    return {
      status: "error",
      message: `did not finish within ${timeoutMs / 1000} s (an endpoint that does not answer?)`,
      remediation: `check that the AWS endpoints (AWS_ENDPOINT_URL, a proxy) and IMDS answer from here, then: ${again}`,
    };
  }
  const message = scrubSecrets(String((error as Error)?.message ?? error).split("\n")[0] ?? "");
  return {
    status: "error",
    message: `could not run: ${message}`,
    remediation: error instanceof HpiamError && error.hint ? error.hint : again,
  };
}

export function summarise(checks: readonly CheckResult[]): DiagnoseSummary {
  const count = (status: CheckStatus) => checks.filter((check) => check.status === status).length;
  return {
    status: healthOf(checks.map((check) => check.status)),
    pass: count("pass"),
    warn: count("warn"),
    fail: count("fail"),
    skip: count("skip"),
    error: count("error"),
  };
}

class CheckTimeout extends Error {}

/** Settles as `work` does, or rejects with CheckTimeout after `ms`; the timer is cleared once settled. */
export function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new CheckTimeout(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([work, expired]).finally(() => clearTimeout(timer));
}
