import type { IamDetails } from "../contract/check-details";
import type { CheckOutcome } from "../diagnose/checks/check";
import type { DiagnoseFacts } from "../diagnose/checks/facts";
import type { AwsOptions, Context } from "../context";
import { judgePermissions, type PermissionVerdict } from "./model/permission-verdicts";
import type { Permission } from "./model/policy-template";
import { loadRoleDocuments } from "./role-documents";
import { simulatePermissions } from "./simulate";

/** `inline`: the role's inline policy names (unknown for a user), so that a fix never overwrites one. */
export type CallerVerdicts =
  | { ok: true; principal: string; verdicts: PermissionVerdict[]; inline: string[] }
  | { ok: false; outcome: CheckOutcome<IamDetails> };

/**
 * Whether the identity hpiam runs as (what `aws ssm start-session` would use) holds these permissions. A role's
 * policies are read and evaluated (the simulator first, when it answers); an IAM user's only through the
 * simulator. A refused read is a `skip` naming the permission.
 */
export async function judgeCallerPermissions(
  ctx: Context,
  facts: DiagnoseFacts,
  required: readonly Permission[],
  aws: AwsOptions & { region: string },
): Promise<CallerVerdicts> {
  const [{ identity }, principal] = await Promise.all([facts.identification(), facts.principal()]);
  if (!identity || !principal) return skip("no caller identity (see the caller-identity check)");
  const all = (standing: PermissionVerdict["standing"]): PermissionVerdict[] =>
    required.map((p) => ({ action: p.action, resource: p.resource, standing, by: [], evaluatedBy: "hpiam" }));
  if (principal.type === "root")
    return { ok: true, principal: identity.arn, verdicts: all("granted"), inline: [] };
  if (principal.type === "assumed-role" && principal.name) {
    const load = await loadRoleDocuments(ctx, principal.name, aws);
    if (!load.ok) return skip(`${principal.name}: ${load.refusal.message}`, load.refusal.permission);
    const { role, policies, inline } = load.documents;
    const simulated = await simulatePermissions(ctx, role.arn, required, aws);
    const readable = policies.flatMap((p) => (p.ok ? [p.policy] : []));
    return {
      ok: true,
      principal: role.arn,
      verdicts: judgePermissions(required, readable, simulated),
      inline,
    };
  }
  if (principal.type === "iam-user") {
    const simulated = await simulatePermissions(ctx, identity.arn, required, aws);
    if (!simulated)
      return skip(
        `${principal.name ?? identity.arn}: needs iam:SimulatePrincipalPolicy`,
        "iam:SimulatePrincipalPolicy",
      );
    return {
      ok: true,
      principal: identity.arn,
      verdicts: judgePermissions(required, undefined, simulated),
      inline: [],
    };
  }
  return skip(`the permissions of a ${principal.type} principal cannot be read`);
}

function skip(message: string, permission?: string): CallerVerdicts {
  return { ok: false, outcome: { status: "skip", message, details: permission ? { permission } : {} } };
}
