import type { AwsAnswer, ClusterDescription, Context } from "../context";
import { UsageError } from "../errors";
import { parseRoleRef } from "../identity/model/arn";
import { shellWord } from "../shell/model/shell-words";
import { printable } from "../output/printable";
import { refusalOf, refusalStatus } from "./model/call-refusal";
import type { IamDetails } from "../contract/check-details";
import type { CheckOutcome } from "../diagnose/checks/check";
import type { DiagnoseFacts } from "../diagnose/checks/facts";

/** diagnose's IAM flags: `--role`, `--cluster` and the `--eks-*-role` flags name what to check off the node. */
export interface IamCheckOptions {
  profile?: string;
  iam?: boolean;
  role?: string;
  cluster?: string;
  eksClusterRole?: string;
  eksNodeRole?: string;
}

/** `--cluster` and the `--eks-*-role` flags imply `--iam`; `--role` needs it (validateIamOptions). */
export const iamAsked = (options: IamCheckOptions): boolean =>
  Boolean(options.iam) ||
  [options.cluster, options.eksClusterRole, options.eksNodeRole].some((v) => v !== undefined);

/**
 * Refuses a bad `--role`, `--eks-*-role` or `--cluster`, or `--role` without `--iam`, before any check runs
 * (exit 2).
 */
export function validateIamOptions(options: IamCheckOptions): void {
  if (options.role !== undefined && !options.iam) {
    throw new UsageError(
      "--role needs --iam: the role is checked only by the IAM checks",
      `Run: hpiam diagnose --iam --role ${shellWord(printable(options.role))}`,
    );
  }
  for (const [flag, value, example] of [
    ["--role", options.role, "HyperPodExecutionRole"],
    ["--eks-cluster-role", options.eksClusterRole, "HyperPodEKSClusterRole"],
    ["--eks-node-role", options.eksNodeRole, "HyperPodEKSNodeRole"],
  ] as const) {
    if (value !== undefined && !parseRoleRef(value)) {
      throw new UsageError(
        `${flag}: "${value}" is neither a role name nor a role ARN`,
        `Give a name like ${example} or an ARN like arn:aws:iam::123456789012:role/${example}.`,
      );
    }
  }
  if (
    options.cluster !== undefined &&
    !/^([a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}|arn:aws[a-z-]*:sagemaker:[a-z0-9-]+:\d{12}:cluster\/[A-Za-z0-9-]+)$/.test(
      options.cluster,
    )
  ) {
    throw new UsageError(`--cluster: "${options.cluster}" is neither a cluster name nor a cluster ARN`);
  }
}

export interface RoleTarget {
  name: string;
  from: "flag" | "cluster" | "instance-profile" | "caller-identity";
  /** With --cluster: the instance groups that run with this role. */
  groups?: string[];
}

export type RoleSearch = { ok: true; roles: RoleTarget[] } | { ok: false; outcome: CheckOutcome<IamDetails> };

const WHICH_ROLE = "hpiam diagnose --iam --role NAME (or --cluster NAME)";

/**
 * The cluster execution role: `--role`, else every group's role from DescribeCluster with `--cluster`, else the
 * instance-profile role (on HyperPod the nodes run as the execution role), else the caller's own role when
 * it is one HyperPod hands out (session `SageMaker`).
 */
export async function findExecutionRoles(
  ctx: Context,
  options: IamCheckOptions,
  facts: DiagnoseFacts,
): Promise<RoleSearch> {
  if (options.role !== undefined) {
    const name = parseRoleRef(options.role)?.name ?? options.role; // validated before the checks run
    return { ok: true, roles: [{ name, from: "flag" }] };
  }
  if (options.cluster !== undefined) {
    const answer = await describeCluster(ctx, { ...options, cluster: options.cluster }, facts);
    if (!answer.ok) {
      const refusal = refusalOf(answer.error, "sagemaker:DescribeCluster");
      return noRole(`cluster ${options.cluster}: ${refusal.message}`, refusalStatus(refusal));
    }
    const byRole = new Map<string, string[]>();
    for (const group of answer.value.groups) {
      const name = group.executionRole && parseRoleRef(group.executionRole)?.name;
      if (name) byRole.set(name, [...(byRole.get(name) ?? []), group.name]);
    }
    if (byRole.size === 0) return noRole(`cluster ${options.cluster} names no execution role`, "skip");
    return {
      ok: true,
      roles: [...byRole].map(([name, groups]) => ({ name, from: "cluster", groups })),
    };
  }
  const imds = await facts.instanceProfile();
  if (imds.roleName) return { ok: true, roles: [{ name: imds.roleName, from: "instance-profile" }] };
  const principal = await facts.principal();
  if (principal?.type === "assumed-role" && principal.sessionName === "SageMaker" && principal.name) {
    return { ok: true, roles: [{ name: principal.name, from: "caller-identity" }] };
  }
  return noRole("no execution role to check here (no instance profile)", "skip");
}

function noRole(message: string, status: CheckOutcome["status"]): RoleSearch {
  return { ok: false, outcome: { status, message, remediation: WHICH_ROLE, details: {} } };
}

// execution-role and ssm-access both need the cluster: one DescribeCluster per run.
const clusters = new WeakMap<Context, Promise<AwsAnswer<ClusterDescription>>>();

/** DescribeCluster for `--cluster`, in the Region the identity was resolved in. */
export function describeCluster(
  ctx: Context,
  options: IamCheckOptions & { cluster: string },
  facts: DiagnoseFacts,
): Promise<AwsAnswer<ClusterDescription>> {
  const known = clusters.get(ctx);
  if (known) return known;
  const answer = facts
    .identification()
    .then(({ region }) =>
      ctx.sagemaker.describeCluster(options.cluster, { profile: options.profile, region }),
    );
  clusters.set(ctx, answer);
  return answer;
}
