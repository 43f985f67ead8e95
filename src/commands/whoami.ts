import type { AwsOptions, Context } from "../context";
import { parseRoleRef } from "../domain/arn";
import { ExitCode, UsageError } from "../errors";
import { identifyNode } from "../identity/identify";
import type { WhoamiResult } from "../contract/whoami";

export type { WhoamiResult } from "../contract/whoami";

export interface WhoamiOptions extends AwsOptions {
  expectRole?: string;
}

export async function whoami(options: WhoamiOptions, ctx: Context): Promise<WhoamiResult> {
  const expectRole = options.expectRole === undefined ? undefined : parseRoleRef(options.expectRole);
  if (options.expectRole !== undefined && !expectRole) {
    throw new UsageError(
      `--expect-role: "${options.expectRole}" is neither a role name nor a role ARN`,
      "Give a name like MyExecutionRole or an ARN like arn:aws:iam::123456789012:role/MyExecutionRole.",
    );
  }
  return identifyNode(ctx, {
    profile: options.profile,
    region: options.region,
    ...(expectRole ? { expectRole } : {}),
  });
}

/** 0 healthy, 1 any other verdict, 3 when there is nothing to judge (no keys, or STS unreachable). */
export function whoamiExitCode(result: WhoamiResult): ExitCode {
  if (result.verdict.status === "healthy") return ExitCode.ok;
  if (result.verdict.status === "no-credentials") return ExitCode.cannotRun;
  if (result.verdict.status === "unknown" && result.problem?.kind === "unreachable")
    return ExitCode.cannotRun;
  return ExitCode.problems;
}
