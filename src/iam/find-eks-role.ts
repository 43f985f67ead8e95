import type { IamDetails } from "../contract/check-details";
import type { CheckOutcome } from "../diagnose/checks/check";
import type { DiagnoseFacts } from "../diagnose/checks/facts";
import type { Context } from "../context";
import { parseArn, parseRoleRef } from "../identity/model/arn";
import { type Refusal, refusalOf, refusalStatus } from "./model/call-refusal";
import { describeCluster, type IamCheckOptions } from "./find-execution-role";

export type EksRoleKind = "cluster" | "node";

export interface EksRoleTarget {
  name: string;
  from: "flag" | "eks-cluster";
  /** With --cluster: the EKS cluster whose role it is. */
  eksCluster?: string;
}

export type EksRoleSearch =
  { ok: true; role: EksRoleTarget } | { ok: false; outcome: CheckOutcome<IamDetails> };

/** The flag that names each EKS role. */
export const EKS_ROLE_FLAG: Record<EksRoleKind, "--eks-cluster-role" | "--eks-node-role"> = {
  cluster: "--eks-cluster-role",
  node: "--eks-node-role",
};

/**
 * The EKS role to check: its flag, else (the cluster role) the one EKS names for the EKS cluster that
 * orchestrates `--cluster`: SageMaker DescribeCluster → Orchestrator.Eks.ClusterArn → EKS DescribeCluster.
 */
export async function findEksRole(
  ctx: Context,
  options: IamCheckOptions,
  facts: DiagnoseFacts,
  kind: EksRoleKind,
): Promise<EksRoleSearch> {
  const flagged = kind === "cluster" ? options.eksClusterRole : options.eksNodeRole;
  if (flagged !== undefined) {
    const name = parseRoleRef(flagged)?.name ?? flagged; // validated before the checks run
    return { ok: true, role: { name, from: "flag" } };
  }
  const fix = `hpiam diagnose --iam ${EKS_ROLE_FLAG[kind]} NAME`;
  if (kind === "node" || options.cluster === undefined) {
    const where = kind === "cluster" ? `, or --cluster NAME of an EKS-orchestrated cluster` : "";
    return none(
      "skip",
      `no EKS ${kind === "cluster" ? "cluster" : "node group"} role named: ${EKS_ROLE_FLAG[kind]} NAME${where}`,
      fix,
    );
  }
  const cluster = await describeCluster(ctx, { ...options, cluster: options.cluster }, facts);
  if (!cluster.ok)
    return refused(`cluster ${options.cluster}`, refusalOf(cluster.error, "sagemaker:DescribeCluster"), fix);
  const eksArn = cluster.value.eksClusterArn && parseArn(cluster.value.eksClusterArn);
  if (!eksArn) return none("skip", `cluster ${options.cluster} is not orchestrated by EKS`, fix);
  const eksName = eksArn.resource.replace(/^cluster\//, "");
  const eks = await ctx.eks.describeCluster(eksName, { profile: options.profile, region: eksArn.region });
  if (!eks.ok) return refused(`EKS cluster ${eksName}`, refusalOf(eks.error, "eks:DescribeCluster"), fix);
  const role = parseRoleRef(eks.value.roleArn);
  if (!role) return none("error", `EKS cluster ${eksName} names no role`, fix);
  return { ok: true, role: { name: role.name, from: "eks-cluster", eksCluster: eks.value.arn || eksName } };
}

function none(status: CheckOutcome["status"], message: string, remediation: string): EksRoleSearch {
  return { ok: false, outcome: { status, message, remediation, details: {} } };
}

/** A refused read is a `skip` naming the permission; a missing cluster is a finding. */
function refused(what: string, refusal: Refusal, remediation: string): EksRoleSearch {
  return {
    ok: false,
    outcome: {
      status: refusalStatus(refusal),
      message: `${what}: ${refusal.message}`,
      remediation,
      details: { permission: refusal.permission },
    },
  };
}
