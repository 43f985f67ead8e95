import type { AwsOptions, Context } from "../context";
import { parseRoleRef } from "../domain/arn";
import { ExitCode, UsageError } from "../errors";
import { identifyNode, type IdentityReport } from "../identity/identify";

export type { Identity } from "../identity/identify";

export interface WhoamiOptions extends AwsOptions {
  expectRole?: string;
}

export interface WhoamiResult extends IdentityReport {
  schemaVersion: 1;
}

export async function whoami(options: WhoamiOptions, ctx: Context): Promise<WhoamiResult> {
  const expectRole = options.expectRole === undefined ? undefined : parseRoleRef(options.expectRole);
  if (options.expectRole !== undefined && !expectRole) {
    throw new UsageError(
      `--expect-role: "${options.expectRole}" is neither a role name nor a role ARN`,
      "Give a name like MyExecutionRole or an ARN like arn:aws:iam::123456789012:role/MyExecutionRole.",
    );
  }
  const report = await identifyNode(ctx, {
    profile: options.profile,
    region: options.region,
    ...(expectRole ? { expectRole } : {}),
  });
  return { schemaVersion: 1, ...report };
}

/**
 * 0 healthy, 1 any other verdict, 3 when there is nothing to judge (no keys, STS unreachable, or a chain
 * setting hpiam cannot evaluate).
 */
export function whoamiExitCode(result: WhoamiResult): ExitCode {
  if (result.verdict.status === "healthy") return ExitCode.ok;
  if (result.verdict.status === "no-credentials" || result.undecided) return ExitCode.cannotRun;
  if (result.verdict.status === "unknown" && result.problem?.kind === "unreachable")
    return ExitCode.cannotRun;
  return ExitCode.problems;
}
