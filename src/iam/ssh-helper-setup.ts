import type { CheckOutcome } from "../diagnose/checks/check";
import type { DiagnoseFacts } from "../diagnose/checks/facts";
import type { AwsOptions, Context } from "../context";
import { refusalOf } from "./model/call-refusal";
import { trustFixCommand } from "./model/role-finding";
import { trusts } from "./model/evaluate";
import type { StatementJson } from "./model/policy-template";
import { POLICY_CATALOG } from "./model/policy-catalog";
import { findExecutionRoles, type IamCheckOptions } from "./find-execution-role";
import { loadRoleDocuments } from "./role-documents";

/** The inline policies SageMaker SSH Helper's IAM and SSM setup puts on the execution role. */
const SERVER_POLICIES = ["SSHSageMakerServerPolicy", "SageMakerSSMPolicy"];
const SSM_SERVICE = "ssm.amazonaws.com";
export const ACTIVATION_TIER = "/ssm/managed-instance/activation-tier";

export interface SshHelperSetup {
  findings: CheckOutcome[];
  details: Record<string, unknown>;
}

/**
 * SageMaker SSH Helper's setup: where the execution role carries the SSH Helper server policy, SSM must be able
 * to assume it, and the account's SSM activation tier must be `advanced`. Without that setup neither matters.
 */
export async function checkSshHelperSetup(
  ctx: Context,
  options: IamCheckOptions,
  facts: DiagnoseFacts,
  aws: AwsOptions & { region: string; account?: string },
): Promise<SshHelperSetup> {
  const search = await findExecutionRoles(ctx, options, facts);
  if (!search.ok) return { findings: [], details: { sshHelper: "unknown (no execution role found)" } };
  const findings: CheckOutcome[] = [];
  const roles: Array<Record<string, unknown>> = [];
  for (const { name } of search.roles) {
    const load = await loadRoleDocuments(ctx, name, aws);
    if (!load.ok) {
      roles.push({ role: name, sshHelper: `unknown (${load.refusal.message})` });
      continue;
    }
    const { inline, role, trust } = load.documents;
    const server = inline.filter((policy) => SERVER_POLICIES.includes(policy));
    const ssmTrust = trust.ok ? trusts([trust.policy], SSM_SERVICE) : undefined;
    roles.push({ role: name, serverPolicies: server, ssmTrust: ssmTrust?.decision ?? "unreadable" });
    if (server.length === 0 || ssmTrust?.decision === "allowed") continue;
    const statement = POLICY_CATALOG["ssm-trust"].document.Statement[1] as StatementJson;
    findings.push({
      status: "fail",
      message: `${name} has ${server.join(", ")} but its trust policy does not let ${SSM_SERVICE} sts:AssumeRole`,
      remediation: trustFixCommand(role.name, role.trustPolicy, statement),
    });
  }
  const helper = roles.some((r) => Array.isArray(r.serverPolicies) && r.serverPolicies.length > 0);
  const details: Record<string, unknown> = { sshHelper: helper, executionRoles: roles };
  if (helper) {
    const tier = await activationTier(ctx, aws);
    details.activationTier = tier.value ?? null;
    if (tier.finding) findings.push(tier.finding);
  }
  return { findings, details };
}

async function activationTier(
  ctx: Context,
  aws: AwsOptions & { region: string; account?: string },
): Promise<{ value?: string; finding?: CheckOutcome }> {
  const answer = await ctx.ssm.getServiceSetting(ACTIVATION_TIER, aws);
  if (!answer.ok) {
    const refusal = refusalOf(answer.error, "ssm:GetServiceSetting");
    return { finding: { status: "skip", message: `SSM activation tier: ${refusal.message}` } };
  }
  if (answer.value === "advanced") return { value: answer.value };
  const setting = `arn:aws:ssm:${aws.region}:${aws.account ?? "<ACCOUNT_ID>"}:servicesetting${ACTIVATION_TIER}`;
  return {
    value: answer.value,
    finding: {
      status: "warn",
      message: `SSM activation tier is ${answer.value || "unset"} in ${aws.region}: SageMaker SSH Helper needs advanced`,
      remediation: `aws ssm update-service-setting --setting-id ${setting} --setting-value advanced --region ${aws.region}`,
    },
  };
}
