import type { AwsOptions, Context } from "../context";
import { parseRoleRef } from "../domain/arn";
import { type ExitCode, UsageError } from "../errors";
import { identifyNode, type IdentityReport } from "../identity/identify";
import { healthExitCode, verdictHealth } from "./node-health";

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

/** diagnose's rule: 0 healthy, 1 overridden, mismatch or broken, 3 no-credentials or unknown (could not decide). */
export function whoamiExitCode(result: WhoamiResult): ExitCode {
  return healthExitCode(verdictHealth(result.verdict.status));
}
