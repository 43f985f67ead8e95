import type { AwsOptions, Context, SimulatedDecision } from "../context";
import type { Permission } from "./model/policy-template";

/**
 * IAM's own policy simulator for a principal, one call per template statement (its actions × its resources).
 * Often not permitted (and not emulated): then the answer is undefined and the caller evaluates the documents.
 */
export async function simulatePermissions(
  ctx: Context,
  principalArn: string,
  permissions: readonly Permission[],
  aws: AwsOptions & { region: string },
): Promise<SimulatedDecision[] | undefined> {
  const byStatement = new Map<number, Permission[]>();
  for (const p of permissions) byStatement.set(p.statement, [...(byStatement.get(p.statement) ?? []), p]);
  const answers = await Promise.all(
    [...byStatement.values()].map((group) =>
      ctx.iam.simulatePrincipalPolicy(
        principalArn,
        [...new Set(group.map((p) => p.action))],
        [...new Set(group.map((p) => p.resource))],
        aws,
      ),
    ),
  );
  const decisions: SimulatedDecision[] = [];
  for (const answer of answers) {
    if (!answer.ok) {
      ctx.log.debug(`SimulatePrincipalPolicy: ${answer.error.name}; evaluating the policy documents instead`);
      return undefined;
    }
    decisions.push(...answer.value);
  }
  return decisions;
}
