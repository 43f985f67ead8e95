import type { Context } from "../context";
import { auditExecutionRole, EXECUTION_ROLE_TEMPLATE } from "./model/execution-role-audit";
import { permissionsOf } from "./model/policy-template";
import { findExecutionRoles, iamAsked, type RoleTarget } from "./find-execution-role";
import { loadRoleDocuments, unreadRole } from "./role-documents";
import { simulatePermissions } from "./simulate";
import type { IamDetails } from "../contract/check-details";
import { type Check, type CheckOutcome, foldFindings } from "../diagnose/checks/check";

const NOT_ASKED: CheckOutcome = {
  status: "skip",
  message: "not asked: `hpiam diagnose --iam` checks the execution role with IAM read calls",
};

/** "HyperPod IAM Policies", checked with IAM reads: the trust for SageMaker, the policies, the permissions listed. */
export const executionRole: Check<"execution-role"> = {
  id: "execution-role",
  title: "Cluster execution role (IAM)",
  needs: "iam",
  async run({ options, facts }, ctx) {
    if (!iamAsked(options)) return NOT_ASKED;
    const search = await findExecutionRoles(ctx, options, facts);
    if (!search.ok) return search.outcome;
    const { region } = await facts.identification();
    const aws = { profile: options.profile, region };
    const outcomes = await Promise.all(search.roles.map((role) => checkRole(ctx, role, aws)));
    if (outcomes.length === 1 && outcomes[0]) return outcomes[0];
    return foldFindings(
      outcomes.filter((outcome) => outcome.status !== "pass"),
      { status: "pass", message: outcomes.map((outcome) => outcome.message).join("; ") },
      { roles: outcomes.map((outcome) => outcome.details) },
    );
  },
};

async function checkRole(
  ctx: Context,
  target: RoleTarget,
  aws: { profile?: string; region: string },
): Promise<CheckOutcome<IamDetails>> {
  const about = {
    role: { name: target.name, from: target.from, ...(target.groups ? { groups: target.groups } : {}) },
  };
  const load = await loadRoleDocuments(ctx, target.name, aws);
  if (!load.ok)
    return unreadRole(target.name, load.refusal, about, `hpiam diagnose --iam --role ${target.name}`);
  const { role, trust, inline, attached, policies } = load.documents;
  const outcome = auditExecutionRole({
    roleName: role.name,
    roleArn: role.arn,
    trustText: role.trustPolicy,
    trust,
    inline,
    attached,
    policies,
    simulated: (await simulatePermissions(ctx, role.arn, permissionsOf(EXECUTION_ROLE_TEMPLATE), aws)) ?? [],
  });
  return { ...outcome, details: { ...outcome.details, role: { ...about.role, arn: role.arn } } };
}
