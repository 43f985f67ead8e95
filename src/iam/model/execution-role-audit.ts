import type { SimulatedDecision } from "../../context";
import type { ParsedPolicy, PolicyDocument } from "./document";
import { judgePermissions, listActions, type PermissionVerdict } from "./permission-verdicts";
import { fillPolicy, permissionsOf, type PolicyJson, policyFor, type StatementJson } from "./policy-template";
import { POLICY_CATALOG } from "./policy-catalog";
import { type Finding, judgeTrust, roleFinding } from "./role-finding";

export interface ExecutionRoleFacts {
  roleName: string;
  roleArn: string;
  /** The trust policy as IAM returned it (URL-encoded JSON). */
  trustText: string;
  trust: ParsedPolicy;
  inline: string[];
  attached: Array<{ name: string; arn: string }>;
  policies: ParsedPolicy[];
  simulated?: SimulatedDecision[];
}

export const SAGEMAKER_SERVICE = "sagemaker.amazonaws.com";
/** The execution-role policy of "HyperPod IAM Policies", as the permissions are checked against (every Region). */
export const EXECUTION_ROLE_TEMPLATE = fillPolicy(POLICY_CATALOG["execution-role"].document, {}).document;

const NOT_EVALUATED = "permissions boundaries, SCPs, session policies and conditions";

/** "HyperPod IAM Policies": SageMaker may assume the role, and its policies allow what that policy lists. */
export function auditExecutionRole(facts: ExecutionRoleFacts): Finding {
  const template = EXECUTION_ROLE_TEMPLATE;
  const readable = facts.policies.filter((p): p is { ok: true; policy: PolicyDocument } => p.ok);
  const unreadable = facts.policies.flatMap((p) => (p.ok ? [] : [`${p.source}: ${p.error}`]));
  const verdicts = judgePermissions(
    permissionsOf(template),
    readable.map((p) => p.policy),
    facts.simulated,
  );
  const by = (standing: PermissionVerdict["standing"]) => verdicts.filter((v) => v.standing === standing);
  const [missing, denied, conditional] = [by("missing"), by("denied"), by("conditional")];
  const trustStatement = POLICY_CATALOG["execution-trust"].document.Statement[0] as StatementJson;
  const trust = judgeTrust(facts, SAGEMAKER_SERVICE, trustStatement);

  const problems: string[] = [...trust.problems];
  const fixes: string[] = trust.fix ? [trust.fix] : [];
  if (missing.length) {
    problems.push(`missing ${listActions(missing)}`);
    const policyName = unusedName("HyperPodExecutionPolicy", facts.inline);
    const document = policyFor(template, missingPermissions(template, missing));
    fixes.push(
      `aws iam put-role-policy --role-name ${facts.roleName} --policy-name ${policyName} --policy-document '${JSON.stringify(document)}'`,
    );
  }
  if (denied.length) {
    const by = [...new Set(denied.flatMap((v) => v.by))].join(", ") || "a Deny (IAM policy simulator)";
    problems.push(`explicitly denied ${listActions(denied)} by ${by}`);
  }

  const cautions = [
    ...(conditional.length
      ? [`${listActions(conditional)} allowed only under a condition hpiam does not evaluate`]
      : []),
    ...(unreadable.length ? [`${unreadable.length} policy document(s) could not be parsed`] : []),
    ...trust.cautions,
  ];
  const passed = `trusted by ${SAGEMAKER_SERVICE}; all ${verdicts.length} permissions of HyperPod's execution-role policy allowed`;
  return roleFinding(
    facts,
    { problems, cautions, fixes, passed },
    {
      ...trust.details,
      policies: { inline: facts.inline, attached: facts.attached.map((a) => a.arn), unreadable },
      checked: verdicts.length,
      evaluatedBy: [...new Set(verdicts.map((v) => v.evaluatedBy))],
      missing: missing.map(brief),
      denied: denied.map((v) => ({ ...brief(v), by: v.by })),
      conditional: conditional.map((v) => ({ ...brief(v), by: v.by })),
      ...(missing.length ? { policyToAdd: policyFor(template, missingPermissions(template, missing)) } : {}),
      notEvaluated: NOT_EVALUATED,
    },
  );
}

const brief = (v: PermissionVerdict) => ({
  action: v.action,
  resource: v.resource,
  ...(v.sid ? { sid: v.sid } : {}),
});

function missingPermissions(template: PolicyJson, missing: readonly PermissionVerdict[]) {
  return permissionsOf(template).filter((p) =>
    missing.some((m) => m.action === p.action && m.resource === p.resource && m.sid === p.sid),
  );
}

/** put-role-policy replaces a policy of the same name: the fix never overwrites one the role has. */
export function unusedName(base: string, taken: readonly string[]): string {
  if (!taken.includes(base)) return base;
  for (let n = 2; ; n++) if (!taken.includes(`${base}${n}`)) return `${base}${n}`;
}
