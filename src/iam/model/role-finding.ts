import { decodePolicyText, type ParsedPolicy } from "./document";
import { trusts } from "./evaluate";
import type { StatementJson } from "./policy-template";

/** What a role check reports, as every check does: status, one-line message, exact remediation, details. */
export interface Finding {
  status: "pass" | "warn" | "fail" | "skip" | "error";
  message: string;
  remediation?: string;
  details: Record<string, unknown>;
}

/** A role's finding: `fail` on a problem, else `warn` on a caution, else `pass`; every fix joined in order. */
export function roleFinding(
  role: { roleName: string; roleArn: string },
  found: { problems: string[]; cautions: string[]; fixes: string[]; passed: string },
  details: Record<string, unknown>,
): Finding {
  const { problems, cautions, fixes } = found;
  const status = problems.length ? "fail" : cautions.length ? "warn" : "pass";
  const summary = status === "pass" ? found.passed : [...problems, ...cautions].join("; ");
  return {
    status,
    message: `${role.roleName}: ${summary}`,
    ...(fixes.length ? { remediation: fixes.join(" && ") } : {}),
    details: { role: { name: role.roleName, arn: role.roleArn }, ...details },
  };
}

/** What a role's trust policy says about the one service that must assume it, as the role checks report it. */
export interface TrustJudgement {
  /** Each makes the check fail. */
  problems: string[];
  /** Each makes it warn. */
  cautions: string[];
  /** The exact update-assume-role-policy command, when a statement is missing. */
  fix?: string;
  details: Record<string, unknown>;
}

/** May `service` sts:AssumeRole the role? `statement` is the catalog's statement that lets it. */
export function judgeTrust(
  role: { roleName: string; trustText: string; trust: ParsedPolicy },
  service: string,
  statement: StatementJson,
): TrustJudgement {
  if (!role.trust.ok)
    return {
      problems: ["its trust policy could not be read"],
      cautions: [],
      details: { trust: { service, error: role.trust.error } },
    };
  const trust = trusts([role.trust.policy], service);
  const problems =
    trust.decision === "denied" && !trust.conditional
      ? [`its trust policy denies ${service} sts:AssumeRole`]
      : trust.decision !== "allowed"
        ? [`its trust policy does not let ${service} sts:AssumeRole`]
        : [];
  const missing = trust.decision === "implicit-deny";
  return {
    problems,
    cautions:
      trust.decision === "allowed" && trust.conditional ? [`the trust for ${service} has a condition`] : [],
    ...(missing ? { fix: trustFixCommand(role.roleName, role.trustText, statement) } : {}),
    details: {
      trust: { service, decision: trust.decision, conditional: trust.conditional },
      ...(missing ? { trustStatementToAdd: statement } : {}),
    },
  };
}

/** update-assume-role-policy replaces the whole trust policy: the fix keeps every statement it has. */
export function trustFixCommand(roleName: string, trustText: string, statement: StatementJson): string {
  const current = decodePolicyText(trustText) as { Statement?: unknown } | undefined;
  const statements = current?.Statement === undefined ? [] : [current.Statement].flat();
  const document = { Version: "2012-10-17", Statement: [...statements, statement] };
  return `aws iam update-assume-role-policy --role-name ${roleName} --policy-document '${JSON.stringify(document)}'`;
}
