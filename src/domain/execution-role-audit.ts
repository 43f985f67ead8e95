import type { SimulatedDecision } from "../context";
import { decodePolicyText, type ParsedPolicy, type PolicyDocument } from "./iam-policy/document";
import { trusts } from "./iam-policy/evaluate";
import { judgePermissions, listActions, type PermissionVerdict } from "./permission-verdicts";
import { fillPolicy, permissionsOf, type PolicyJson, policyFor, type StatementJson } from "./policy-template";
import { SEED_POLICIES } from "./seed-policies";

/** What a check reports (SPEC: status, one-line message, exact remediation, details). */
export interface Finding {
  status: "pass" | "warn" | "fail" | "skip" | "error";
  message: string;
  remediation?: string;
  details: Record<string, unknown>;
}

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
/** Seed 001's execution-role policy, as the permissions are checked against (every Region). */
export const EXECUTION_ROLE_TEMPLATE = fillPolicy(SEED_POLICIES["execution-role"].document, {}).document;

const NOT_EVALUATED = "permissions boundaries, SCPs, session policies and conditions";

/** Seed 001: SageMaker may assume the role, and its policies allow what the execution-role policy lists. */
export function auditExecutionRole(facts: ExecutionRoleFacts): Finding {
  const template = EXECUTION_ROLE_TEMPLATE;
  const readable = facts.policies.filter((p): p is { ok: true; policy: PolicyDocument } => p.ok);
  const unreadable = facts.policies.flatMap((p) => (p.ok ? [] : [`${p.source}: ${p.error}`]));
  const verdicts = judgePermissions(
    permissionsOf(template),
    readable.map((p) => p.policy),
    facts.simulated,
  );
  const trust = facts.trust.ok ? trusts([facts.trust.policy], SAGEMAKER_SERVICE) : undefined;
  const by = (standing: PermissionVerdict["standing"]) => verdicts.filter((v) => v.standing === standing);
  const [missing, denied, conditional] = [by("missing"), by("denied"), by("conditional")];

  const problems: string[] = [];
  const fixes: string[] = [];
  const trustStatement: StatementJson = SEED_POLICIES["execution-trust"].document
    .Statement[0] as StatementJson;
  if (!trust) problems.push(`its trust policy could not be read`);
  else if (trust.decision === "denied" && !trust.conditional)
    problems.push(`its trust policy denies ${SAGEMAKER_SERVICE} sts:AssumeRole`);
  else if (trust.decision !== "allowed")
    problems.push(`its trust policy does not let ${SAGEMAKER_SERVICE} sts:AssumeRole`);
  if (trust?.decision === "implicit-deny")
    fixes.push(trustFixCommand(facts.roleName, facts.trustText, trustStatement));
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
    ...(trust?.decision === "allowed" && trust.conditional
      ? [`the trust for ${SAGEMAKER_SERVICE} has a condition`]
      : []),
  ];
  const status = problems.length ? "fail" : cautions.length ? "warn" : "pass";
  const summary =
    status === "pass"
      ? `trusted by ${SAGEMAKER_SERVICE}; all ${verdicts.length} seed 001 permissions allowed`
      : [...problems, ...cautions].join("; ");
  return {
    status,
    message: `${facts.roleName}: ${summary}`,
    ...(fixes.length ? { remediation: fixes.join(" && ") } : {}),
    details: {
      role: { name: facts.roleName, arn: facts.roleArn },
      trust: trust
        ? { service: SAGEMAKER_SERVICE, decision: trust.decision, conditional: trust.conditional }
        : { service: SAGEMAKER_SERVICE, error: facts.trust.ok ? undefined : facts.trust.error },
      policies: { inline: facts.inline, attached: facts.attached.map((a) => a.arn), unreadable },
      checked: verdicts.length,
      evaluatedBy: [...new Set(verdicts.map((v) => v.evaluatedBy))],
      missing: missing.map(brief),
      denied: denied.map((v) => ({ ...brief(v), by: v.by })),
      conditional: conditional.map((v) => ({ ...brief(v), by: v.by })),
      ...(trust?.decision === "implicit-deny" ? { trustStatementToAdd: trustStatement } : {}),
      ...(missing.length ? { policyToAdd: policyFor(template, missingPermissions(template, missing)) } : {}),
      notEvaluated: NOT_EVALUATED,
    },
  };
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

/** update-assume-role-policy replaces the whole trust policy: the fix keeps every statement it has. */
export function trustFixCommand(roleName: string, trustText: string, statement: StatementJson): string {
  const current = decodePolicyText(trustText) as { Statement?: unknown } | undefined;
  const statements = current?.Statement === undefined ? [] : [current.Statement].flat();
  const document = { Version: "2012-10-17", Statement: [...statements, statement] };
  return `aws iam update-assume-role-policy --role-name ${roleName} --policy-document '${JSON.stringify(document)}'`;
}

/** put-role-policy replaces a policy of the same name: the fix never overwrites one the role has. */
export function unusedName(base: string, taken: readonly string[]): string {
  if (!taken.includes(base)) return base;
  for (let n = 2; ; n++) if (!taken.includes(`${base}${n}`)) return `${base}${n}`;
}
