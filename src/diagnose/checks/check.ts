/** What a diagnose check is and what it reports (README: `hpiam diagnose`). */
import type { CheckDetails, CheckId, CheckStatus } from "../../contract/diagnose";
import type { AwsOptions, Context } from "../../context";
import type { DiagnoseFacts } from "./facts";

export type { CheckStatus } from "../../contract/diagnose";

/**
 * What a check found; the runner adds its id and title. `Details` is its check's details type (see
 * CheckDetailsById); a finding folded into an outcome has none.
 */
export interface CheckOutcome<Details = never> {
  status: CheckStatus;
  /** One line, read in the table. */
  message: string;
  /** The exact command or action that fixes it, where there is one. */
  remediation?: string;
  details?: Details;
}

export interface DiagnoseOptions extends AwsOptions {
  /** `--checks a,b`: a subset of the catalogue, by id. */
  checks?: string;
  allUsers?: boolean;
  resourceConfig?: string;
  /** `--iam` (implied by `--role`, `--cluster` and the `--eks-*-role` flags): run the IAM checks. */
  iam?: boolean;
  /** `--role NAME|ARN`: the execution role to check, instead of the instance profile's. */
  role?: string;
  /** `--cluster NAME|ARN`: off the cluster, its execution roles and SSM target from DescribeCluster. */
  cluster?: string;
  /** `--eks-cluster-role NAME|ARN`: the EKS cluster role to check, instead of the one EKS names. */
  eksClusterRole?: string;
  /** `--eks-node-role NAME|ARN`: the EKS node group role to check. */
  eksNodeRole?: string;
}

export interface CheckInput {
  options: DiagnoseOptions;
  /** Facts several checks need, each computed once. */
  facts: DiagnoseFacts;
}

export interface Check<Id extends CheckId = CheckId> {
  id: Id;
  title: string;
  /**
   * `root`: without root the runner skips it ("run with sudo"), or asks `unprivileged` for something better.
   * `iam`: needs IAM read (the execution-role and ssm-access checks of a later issue).
   */
  needs?: "root" | "iam";
  unprivileged?(input: CheckInput, ctx: Context): Promise<CheckOutcome<CheckDetails<Id>>>;
  run(input: CheckInput, ctx: Context): Promise<CheckOutcome<CheckDetails<Id>>>;
}

const SEVERITY: Record<CheckStatus, number> = { pass: 0, skip: 1, warn: 2, error: 3, fail: 4 };

/**
 * Folds several findings of one check into its outcome: the worst status, the worst findings' messages, every
 * remediation once, in order. `otherwise` is the outcome when nothing was found.
 */
export function foldFindings<Details>(
  findings: readonly CheckOutcome<unknown>[],
  otherwise: CheckOutcome<unknown>,
  details: Details,
): CheckOutcome<Details> {
  if (findings.length === 0) return { ...otherwise, details };
  const worst = Math.max(...findings.map((finding) => SEVERITY[finding.status]));
  const top = findings.filter((finding) => SEVERITY[finding.status] === worst);
  const more = findings.length - Math.min(top.length, 2);
  const remediations = [...new Set(findings.flatMap((finding) => finding.remediation ?? []))];
  return {
    status: top[0]?.status ?? otherwise.status,
    message:
      top
        .slice(0, 2)
        .map((finding) => finding.message)
        .join("; ") + (more > 0 ? ` (+${more} more)` : ""),
    ...(remediations.length > 0 ? { remediation: remediations.join("; ") } : {}),
    details,
  };
}

/** The command as the person who ran hpiam types it: under sudo, again with sudo. */
export function asInvoked(ctx: Context, command: string): string {
  return ctx.user.sudoUser ? `sudo ${command}` : command;
}
