/** `hpiam diagnose --json`: the document, its checks with their details typed by id, and its decoder. */
import {
  CHECK_DETAILS,
  type CheckDetails,
  type CheckId,
  type NodeSummary,
  nodeSummary,
} from "./check-details";
import {
  array,
  type Decoded,
  decodeWith,
  type Decoder,
  literal,
  nullable,
  number,
  object,
  oneOf,
  string,
  variants,
} from "./decode";

export type { CheckDetails, CheckDetailsById, CheckId, NodeSummary } from "./check-details";

export type CheckStatus = "pass" | "warn" | "fail" | "skip" | "error";

/** The details of a check that says nothing more than its message (not run without root, timed out, …). */
export type NoDetails = Record<string, never>;

export interface CheckResultOf<Id extends CheckId> {
  id: Id;
  title: string;
  status: CheckStatus;
  message: string;
  remediation: string | null;
  details: CheckDetails<Id> | NoDetails;
}

/** One check of the report; `CheckResult` alone is any of them, its details typed once its id is known. */
export type CheckResult<Id extends CheckId = CheckId> = { [I in Id]: CheckResultOf<I> }[Id];

/** `unknown`: nothing failed, but a check could not decide (it ended `error`), or none decided anything. */
export interface DiagnoseSummary extends Record<CheckStatus, number> {
  status: "healthy" | "unhealthy" | "unknown";
}

export interface DiagnoseResult {
  schemaVersion: 1;
  summary: DiagnoseSummary;
  checks: CheckResult[];
  /** This node as resource_config.json describes it; null off HyperPod. */
  node: NodeSummary | null;
}

const CHECK_IDS = Object.fromEntries(Object.keys(CHECK_DETAILS).map((id) => [id, true]));
/** Every check id: the keys of CHECK_DETAILS, which the compiler holds to CheckDetailsById's. */
const checkId = oneOf(CHECK_IDS as Record<CheckId, true>);

/** The check with this id in a report, its details typed; undefined when it was not run. */
export function checkOf<Id extends CheckId>(
  result: Pick<DiagnoseResult, "checks">,
  id: Id,
): CheckResultOf<Id> | undefined {
  // A check's details go with its id (CheckResult is that union); the compiler cannot follow a generic id there.
  return result.checks.find((check) => check.id === id) as CheckResultOf<Id> | undefined;
}

/** The details the check with this id gave; undefined when it was not run or said nothing more (`{}`). */
export function detailsOf<Id extends CheckId>(
  result: Pick<DiagnoseResult, "checks">,
  id: Id,
): CheckDetails<Id> | undefined {
  const details = checkOf(result, id)?.details;
  return details === undefined || isEmpty(details) ? undefined : details;
}

const isEmpty = (details: object): details is NoDetails => Object.keys(details).length === 0;

const STATUSES: Record<CheckStatus, true> = { pass: true, warn: true, fail: true, skip: true, error: true };

/** An empty `details` (a check that said nothing more), else the details of the check with that id. */
const details = (id: CheckId): Decoder<CheckDetails<CheckId> | NoDetails> =>
  variants((found) => (isEmpty(found) ? () => ({}) : CHECK_DETAILS[id]));

const checkResult: Decoder<CheckResult> = variants((value, at) => {
  const id = checkId(value.id, `${at}.id`);
  // The id, read first, picks the details' decoder: each check's details go with its own id.
  return object<CheckResultOf<CheckId>>({
    id: literal(id),
    title: string,
    status: oneOf(STATUSES),
    message: string,
    remediation: nullable(string),
    details: details(id),
  }) as Decoder<CheckResult>;
});

const diagnoseResult = object<DiagnoseResult>({
  schemaVersion: literal(1),
  summary: object<DiagnoseSummary>({
    status: oneOf({ healthy: true, unhealthy: true, unknown: true }),
    pass: number,
    warn: number,
    fail: number,
    skip: number,
    error: number,
  }),
  checks: array(checkResult),
  node: nullable(nodeSummary),
});

export const decodeDiagnose = (value: unknown): Decoded<DiagnoseResult> => decodeWith(diagnoseResult, value);
