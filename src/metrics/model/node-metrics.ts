/** diagnose's report as the metrics a node publishes (README: `hpiam metrics`). */
import { type CheckStatus, type DiagnoseResult, detailsOf, checkOf } from "../../contract/diagnose";
import type { NodeHealth } from "../../contract/node-health";
import { readBy } from "../../identity/model/key-inventory";
import { CREDENTIAL_VARIABLES } from "../../shell/model/shell-exports";
import type { MetricFamily, Sample } from "./exposition";

/** What the run adds to the report: when it ended, how long diagnose took, and what a recover left owed. */
export interface RunFacts {
  finishedAt: Date;
  durationSeconds: number;
  version: string;
  /** A recover moved some home's keys aside in this boot without the reboot. */
  rebootDue: boolean;
}

const CHECK_STATUSES: readonly CheckStatus[] = ["pass", "warn", "fail", "skip", "error"];
const NODE_STATUSES: readonly NodeHealth[] = ["healthy", "unhealthy", "unknown"];

/**
 * Every status of a check (and of the node) is a series of its own, 1 for the current one and 0 for the others
 * (OpenMetrics calls this a state set): a change of status is a change of value, so a query or an alert on
 * `status="fail"` sees it go to 0 rather than a series that vanishes, and `== 0` tells "not failing" apart
 * from "not reported".
 */
function stateSet<S extends string>(states: readonly S[], current: S, labels: Record<string, string> = {}) {
  return states.map((status): Sample => ({
    labels: { ...labels, status },
    value: status === current ? 1 : 0,
  }));
}

export function nodeMetrics(result: DiagnoseResult, run: RunFacts): MetricFamily[] {
  const gauge = (name: string, help: string, samples: readonly Sample[]): MetricFamily => ({
    name,
    help,
    type: "gauge",
    samples,
  });
  const health = result.summary.status;
  return [
    gauge("hpiam_build_info", "The hpiam that wrote these metrics.", [
      { labels: { version: run.version }, value: 1 },
    ]),
    gauge(
      "hpiam_node_healthy",
      "1 when hpiam diagnose finds this node's AWS identity healthy; 0 when unhealthy or unknown (a check could not decide).",
      [{ value: health === "healthy" ? 1 : 0 }],
    ),
    gauge(
      "hpiam_node_status",
      "hpiam diagnose's summary: 1 for the current status (healthy, unhealthy, unknown), 0 for the others.",
      stateSet(NODE_STATUSES, health),
    ),
    gauge(
      "hpiam_check_status",
      "Each hpiam diagnose check: 1 for its current status (pass, warn, fail, skip, error), 0 for the others.",
      result.checks.flatMap((check) => stateSet(CHECK_STATUSES, check.status, { check: check.id })),
    ),
    gauge(
      "hpiam_identity_info",
      "The identity AWS tools on this node sign with (STS's answer), the credential provider that supplied it, and the instance profile's role.",
      [{ labels: identityLabels(result), value: 1 }],
    ),
    gauge(
      "hpiam_homes_overridden",
      "Homes whose AWS keys (~/.aws, ~/.boto, exports in startup files) win over the instance profile's role: every user's home when run as root, else the caller's.",
      [{ value: homesOverridden(result) }],
    ),
    gauge(
      "hpiam_reboot_due",
      "1 when hpiam recover moved keys aside in this boot without rebooting: processes started before still hold them.",
      [{ value: run.rebootDue ? 1 : 0 }],
    ),
    gauge("hpiam_last_run_timestamp_seconds", "When hpiam metrics last ran to the end (Unix time).", [
      { value: run.finishedAt.getTime() / 1000 },
    ]),
    gauge("hpiam_run_duration_seconds", "How long hpiam diagnose's checks took in that run.", [
      { value: run.durationSeconds },
    ]),
  ];
}

/** ARN, principal type, provider and expected role: names only, never a key id (nor a secret). */
function identityLabels(result: DiagnoseResult): Record<string, string> {
  const caller = detailsOf(result, "caller-identity");
  const known = caller && "arn" in caller ? caller : undefined;
  return {
    arn: known?.arn ?? "",
    type: known?.type ?? "unknown",
    source: detailsOf(result, "credential-source")?.provider ?? "",
    expected_role: detailsOf(result, "instance-profile")?.roleName ?? "",
  };
}

/**
 * With every home scanned (other-users): the homes whose default profile takes keys from their files, or whose
 * startup files export keys, as that check fails them. Otherwise the caller's home alone: 1 when its own keys
 * are what the chain signs with (credential-source fails on a local source).
 */
export function homesOverridden(result: DiagnoseResult): number {
  const scanned = detailsOf(result, "other-users");
  if (scanned) {
    return scanned.homes.filter(
      (home) =>
        home.profiles.some((place) => readBy(place, "default")) ||
        home.startupLines.some((line) => CREDENTIAL_VARIABLES.includes(line.variable)),
    ).length;
  }
  const source = checkOf(result, "credential-source");
  const local = source && "local" in source.details && source.details.local;
  return source?.status === "fail" && local ? 1 : 0;
}
