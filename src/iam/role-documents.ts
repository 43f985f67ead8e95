import type { IamDetails } from "../contract/check-details";
import type { CheckOutcome } from "../diagnose/checks/check";
import type { AwsAnswer, AwsOptions, Context, RoleDescription } from "../context";
import { refusalOf, type Refusal } from "./model/call-refusal";
import { type ParsedPolicy, parsePolicy } from "./model/document";

/** A role's trust policy and every permission policy it has, as IAM read calls return them. */
export interface RoleDocuments {
  role: RoleDescription;
  trust: ParsedPolicy;
  inline: string[];
  attached: Array<{ name: string; arn: string }>;
  /** Inline policies first, then the managed ones, each parsed (or with why it could not be). */
  policies: ParsedPolicy[];
}

export type RoleLoad = { ok: true; documents: RoleDocuments } | { ok: false; refusal: Refusal };

type Options = AwsOptions & { region: string };

/** A refused read ends the load: an evaluation over some of a role's policies would mislead. */
class Refused extends Error {
  constructor(readonly refusal: Refusal) {
    super(refusal.message);
  }
}

function answered<T>(answer: AwsAnswer<T>, permission: string): T {
  if (!answer.ok) throw new Refused(refusalOf(answer.error, permission));
  return answer.value;
}

// Two checks (execution-role, ssm-access) read the same role in one run: they share one load.
const loads = new WeakMap<Context, Map<string, Promise<RoleLoad>>>();

/** Reads the role with GetRole, ListRolePolicies + GetRolePolicy, ListAttachedRolePolicies + GetPolicy(Version). */
export function loadRoleDocuments(ctx: Context, roleName: string, options: Options): Promise<RoleLoad> {
  const perContext = loads.get(ctx) ?? new Map<string, Promise<RoleLoad>>();
  loads.set(ctx, perContext);
  const key = `${options.profile ?? ""}\n${options.region}\n${roleName}`;
  const known = perContext.get(key);
  if (known) return known;
  const load = read(ctx, roleName, options).then(
    (documents): RoleLoad => ({ ok: true, documents }),
    (error: unknown): RoleLoad => {
      if (error instanceof Refused) return { ok: false, refusal: error.refusal };
      throw error;
    },
  );
  perContext.set(key, load);
  return load;
}

async function read(ctx: Context, roleName: string, options: Options): Promise<RoleDocuments> {
  const role = answered(await ctx.iam.getRole(roleName, options), "iam:GetRole");
  const [inline, attached] = await Promise.all([
    ctx.iam.listRolePolicies(roleName, options).then((a) => answered(a, "iam:ListRolePolicies")),
    ctx.iam
      .listAttachedRolePolicies(roleName, options)
      .then((a) => answered(a, "iam:ListAttachedRolePolicies")),
  ]);
  const inlineDocuments = inline.map(async (name) => {
    const document = answered(await ctx.iam.getRolePolicy(roleName, name, options), "iam:GetRolePolicy");
    return parsePolicy(document, `inline ${name}`);
  });
  const managedDocuments = attached.map(async ({ name, arn }) => {
    const { defaultVersionId } = answered(await ctx.iam.getPolicy(arn, options), "iam:GetPolicy");
    const document = answered(
      await ctx.iam.getPolicyVersion(arn, defaultVersionId, options),
      "iam:GetPolicyVersion",
    );
    return parsePolicy(document, `managed ${name}`);
  });
  return {
    role,
    trust: parsePolicy(role.trustPolicy, "trust policy"),
    inline,
    attached,
    policies: await Promise.all([...inlineDocuments, ...managedDocuments]),
  };
}

/**
 * A role that could not be read, as a check reports it: a missing role fails, a refused read is a `skip` naming
 * the permission and how to run it again from a principal that has it.
 */
export function unreadRole(
  roleName: string,
  refusal: Refusal,
  details: IamDetails,
  rerun: string,
): CheckOutcome<IamDetails> {
  if (refusal.kind === "not-found")
    return { status: "fail", message: `role ${roleName} does not exist`, details };
  return {
    status: refusal.kind === "denied" ? "skip" : "error",
    message: `${roleName}: ${refusal.message}`,
    ...(refusal.kind === "denied" ? { remediation: `from a principal with IAM read: ${rerun}` } : {}),
    details: { ...details, permission: refusal.permission },
  };
}
