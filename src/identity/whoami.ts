import type { AwsOptions, Context } from "../context";
import { parseRoleRef } from "./model/arn";
import type { ExitCode } from "../errors";
import { UsageError } from "../errors";
import { identifyNode, type IdentityReport } from "./identify";
import {
  chainErrorDocument,
  instanceProfileDocument,
  sourceDocument,
  undecidedDocument,
  verdictDocument,
  type WhoamiResult,
} from "../contract/whoami";
import { healthExitCode, verdictHealth } from "../contract/node-health";

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
  const report = await identifyNode(ctx, {
    profile: options.profile,
    region: options.region,
    ...(expectRole ? { expectRole } : {}),
  });
  return whoamiDocument(report);
}

export function whoamiDocument(report: IdentityReport): WhoamiResult {
  return {
    schemaVersion: 1,
    identity: report.identity,
    credentialSource: report.credentialSource && sourceDocument(report.credentialSource),
    instanceProfile: instanceProfileDocument(report.instanceProfile),
    verdict: verdictDocument(report.verdict),
    problem: report.problem,
    chainError: report.chainError && chainErrorDocument(report.chainError),
    undecided: report.undecided && undecidedDocument(report.undecided),
    nodeJs: report.nodeJs && sourceDocument(report.nodeJs),
    region: report.region,
  };
}

/** diagnose's rule: 0 healthy, 1 overridden, mismatch or broken, 3 no-credentials or unknown (could not decide). */
export function whoamiExitCode(result: WhoamiResult): ExitCode {
  return healthExitCode(verdictHealth(result.verdict.status));
}
