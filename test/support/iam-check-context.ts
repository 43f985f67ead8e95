import type { Check, CheckOutcome, DiagnoseOptions } from "../../src/diagnose/checks/check";
import type { CheckDetails, CheckId } from "../../src/contract/diagnose";
import { createFacts } from "../../src/diagnose/checks/facts";
import type { IamPort } from "../../src/context";
import { fillPolicy } from "../../src/iam/model/policy-template";
import { POLICY_CATALOG } from "../../src/iam/model/policy-catalog";
import { fakeContext, type FakeOptions } from "./fake-context";

export const ACCOUNT = "123456789012";
export const ROLE = "ExecRole";
const encode = (document: unknown) => encodeURIComponent(JSON.stringify(document));
/** A policy of the catalog, its placeholders left in. */
export const catalog = (name: keyof typeof POLICY_CATALOG) =>
  fillPolicy(POLICY_CATALOG[name].document, {}).document;

/**
 * IAM as it answers for a role with these documents (URL-encoded, as the real service returns them). A managed
 * policy is named by its name (a customer managed policy of ACCOUNT) or by its ARN (an AWS managed one).
 */
export function iamWith(
  roles: Record<
    string,
    { trust: unknown; inline?: Record<string, unknown>; managed?: Record<string, unknown> }
  >,
): Partial<IamPort> {
  const managed = Object.assign({}, ...Object.values(roles).map((r) => r.managed ?? {})) as Record<
    string,
    unknown
  >;
  const role = (name: string) => roles[name];
  const missing = {
    ok: false,
    error: { name: "NoSuchEntity", message: "not found", httpStatus: 404 },
  } as const;
  return {
    getRole: async (name) => {
      const found = role(name);
      if (!found) return missing;
      return {
        ok: true,
        value: { name, arn: `arn:aws:iam::${ACCOUNT}:role/${name}`, trustPolicy: encode(found.trust) },
      };
    },
    listRolePolicies: async (name) => ({ ok: true, value: Object.keys(role(name)?.inline ?? {}) }),
    getRolePolicy: async (name, policy) => ({ ok: true, value: encode(role(name)?.inline?.[policy]) }),
    listAttachedRolePolicies: async (name) => ({
      ok: true,
      value: Object.keys(role(name)?.managed ?? {}).map((policy) => ({
        name: policy.split("/").pop() ?? policy,
        arn: policy.startsWith("arn:") ? policy : `arn:aws:iam::${ACCOUNT}:policy/${policy}`,
      })),
    }),
    getPolicy: async () => ({ ok: true, value: { defaultVersionId: "v1" } }),
    getPolicyVersion: async (arn) => ({
      ok: true,
      value: encode(managed[arn] ?? managed[arn.split("/").pop() ?? ""]),
    }),
  };
}

export const onNode: FakeOptions = {
  instanceProfile: { reachable: true, roleName: ROLE, instanceId: "i-0123456789abcdef0" },
  identification: {
    region: "us-west-2",
    identity: {
      account: ACCOUNT,
      arn: `arn:aws:sts::${ACCOUNT}:assumed-role/${ROLE}/SageMaker`,
      userId: "AROAX:SageMaker",
    },
  },
};

export async function run<Id extends CheckId>(
  check: Check<Id>,
  fake: FakeOptions,
  options: DiagnoseOptions = { iam: true },
): Promise<CheckOutcome<CheckDetails<Id>>> {
  const ctx = fakeContext(fake);
  return check.run({ options, facts: createFacts(ctx, options) }, ctx);
}
