import type { IamDetails } from "../contract/check-details";
import type { CheckInput, CheckOutcome } from "../diagnose/checks/check";
import type { Context } from "../context";
import { auditEksRole, EKS_ROLES } from "./model/eks-role-audit";
import { EKS_ROLE_FLAG, type EksRoleKind, findEksRole } from "./find-eks-role";
import { iamAsked } from "./find-execution-role";
import { loadRoleDocuments, unreadRole } from "./role-documents";

/**
 * The EKS cluster role or EKS node group role of "HyperPod IAM Policies", read with IAM read calls: its trust and
 * managed policies.
 */
export async function checkEksRole(
  { options, facts }: CheckInput,
  ctx: Context,
  kind: EksRoleKind,
): Promise<CheckOutcome<IamDetails>> {
  const expected = EKS_ROLES[kind];
  if (!iamAsked(options))
    return {
      status: "skip",
      message: `not asked: \`hpiam diagnose --iam\` checks the ${expected.what} with IAM read calls`,
    };
  const search = await findEksRole(ctx, options, facts, kind);
  if (!search.ok) return search.outcome;
  const { region } = await facts.identification();
  const target = search.role;
  const about = { role: target };
  const load = await loadRoleDocuments(ctx, target.name, { profile: options.profile, region });
  if (!load.ok)
    return unreadRole(
      target.name,
      load.refusal,
      about,
      `hpiam diagnose --iam ${EKS_ROLE_FLAG[kind]} ${target.name}`,
    );
  const { role, trust, attached } = load.documents;
  const outcome = auditEksRole(
    { roleName: role.name, roleArn: role.arn, trustText: role.trustPolicy, trust, attached },
    expected,
  );
  return { ...outcome, details: { ...outcome.details, role: { ...target, arn: role.arn } } };
}
