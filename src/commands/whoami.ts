import type { AwsOptions, CallerIdentity, Context, InstanceProfile } from "../context";
import { classifyPrincipal, parseRoleRef, type Principal } from "../domain/arn";
import { classifyAwsError, type ClassifiedError } from "../domain/aws-errors";
import { attributeSource, type CredentialSource } from "../domain/credential-source";
import { judge, type Verdict } from "../domain/verdict";
import { ExitCode, UsageError } from "../errors";

export interface WhoamiOptions extends AwsOptions {
  expectRole?: string;
}

export type Identity = CallerIdentity & Principal;

export interface WhoamiResult {
  schemaVersion: 1;
  identity: Identity | null;
  credentialSource: CredentialSource | null;
  instanceProfile: InstanceProfile;
  verdict: Verdict;
  /** Why the chain or STS failed, when one did. */
  problem: ClassifiedError | null;
  region: string;
}

export async function whoami(options: WhoamiOptions, ctx: Context): Promise<WhoamiResult> {
  const expectRole = options.expectRole === undefined ? undefined : parseRoleRef(options.expectRole);
  if (options.expectRole !== undefined && !expectRole) {
    throw new UsageError(
      `--expect-role: "${options.expectRole}" is neither a role name nor a role ARN`,
      "Give a name like MyExecutionRole or an ARN like arn:aws:iam::123456789012:role/MyExecutionRole.",
    );
  }
  const [found, instanceProfile, files] = await Promise.all([
    ctx.aws.identify(options),
    ctx.imds.describe(),
    ctx.aws.sharedFiles(options.sharedFiles),
  ]);
  const source = found.credentials
    ? attributeSource({ credentials: found.credentials, env: ctx.env, profile: options.profile, files })
    : undefined;
  const identity = found.identity
    ? { ...found.identity, ...classifyPrincipal(found.identity.arn) }
    : undefined;
  const failure = found.stsError ?? found.credentialsError;
  ctx.log.debug(`credential features: ${found.credentials?.features.join(", ") || "none"}`);
  if (failure) ctx.log.debug(`AWS error: ${failure.name}: ${failure.message}`);

  return {
    schemaVersion: 1,
    identity: identity ?? null,
    credentialSource: source ?? null,
    instanceProfile,
    verdict: judge({ source, principal: identity, account: identity?.account, instanceProfile, expectRole }),
    problem: failure ? classifyAwsError(failure) : null,
    region: found.region,
  };
}

/** 0 healthy, 1 any other verdict, 3 when there is nothing to judge (no keys, or STS unreachable). */
export function whoamiExitCode(result: WhoamiResult): ExitCode {
  if (result.verdict.status === "healthy") return ExitCode.ok;
  if (result.verdict.status === "no-credentials") return ExitCode.cannotRun;
  if (result.verdict.status === "unknown" && result.problem?.kind === "unreachable")
    return ExitCode.cannotRun;
  return ExitCode.problems;
}
