import { parseArn } from "../../identity/model/arn";
import type { ParsedPolicy } from "./document";
import type { StatementJson } from "./policy-template";
import { managedPolicyArn } from "./eks-role-policies";
import { POLICY_CATALOG } from "./policy-catalog";
import { type Finding, judgeTrust, roleFinding } from "./role-finding";

/** What "HyperPod IAM Policies" asks of an EKS role: the service its trust lets in, the managed policies attached. */
export interface EksRoleExpectation {
  /** `EKS cluster role`, `EKS node group role`: for messages. */
  what: string;
  service: string;
  statement: StatementJson;
  /** Managed policy names. */
  managed: readonly string[];
}

function expectation(what: string, name: "eks-cluster-trust" | "eks-node-trust"): EksRoleExpectation {
  const { document, attach } = POLICY_CATALOG[name];
  const statement = document.Statement[0] as StatementJson;
  return { what, service: [statement.Principal?.Service ?? []].flat()[0] ?? "", statement, managed: attach };
}

export const EKS_ROLES = {
  cluster: expectation("EKS cluster role", "eks-cluster-trust"),
  node: expectation("EKS node group role", "eks-node-trust"),
} as const;

export interface EksRoleFacts {
  roleName: string;
  roleArn: string;
  /** The trust policy as IAM returned it (URL-encoded JSON). */
  trustText: string;
  trust: ParsedPolicy;
  attached: ReadonlyArray<{ name: string; arn: string }>;
}

/** An AWS managed policy, in whatever partition: `arn:<partition>:iam::aws:policy/<name>`. */
const isManaged = (arn: string, name: string) =>
  /^arn:[a-z-]+:iam::aws:policy\//.test(arn) && arn.endsWith(`/${name}`);

/** "HyperPod IAM Policies": the service may assume the role, and every managed policy it lists is attached. */
export function auditEksRole(facts: EksRoleFacts, expected: EksRoleExpectation): Finding {
  const trust = judgeTrust(facts, expected.service, expected.statement);
  const missing = expected.managed.filter((name) => !facts.attached.some((a) => isManaged(a.arn, name)));
  const partition = parseArn(facts.roleArn)?.partition ?? "aws";
  const attach = missing.map(
    (name) =>
      `aws iam attach-role-policy --role-name ${facts.roleName} --policy-arn ${managedPolicyArn(name, partition)}`,
  );
  const problems = [...trust.problems, ...(missing.length ? [`${missing.join(", ")} not attached`] : [])];
  const fixes = [...(trust.fix ? [trust.fix] : []), ...attach];
  return roleFinding(
    facts,
    {
      problems,
      cautions: trust.cautions,
      fixes,
      passed: `trusted by ${expected.service}; ${expected.managed.join(", ")} attached`,
    },
    {
      ...trust.details,
      managed: {
        expected: expected.managed.map((name) => managedPolicyArn(name, partition)),
        attached: facts.attached.map((a) => a.arn),
        missing: missing.map((name) => managedPolicyArn(name, partition)),
      },
    },
  );
}
