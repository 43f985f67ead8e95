import type { AwsOptions, Context, InstanceProfile } from "../context";
import { parseRoleRef } from "../domain/arn";
import type { ClassifiedError } from "../domain/aws-errors";
import { type ExitCode, UsageError } from "../errors";
import type { ChainError } from "../identity/chain-errors";
import type { CredentialSource } from "../identity/credential-source";
import { type Identity, identifyNode, type IdentityReport } from "../identity/identify";
import type { Verdict } from "../identity/verdict";
import { healthExitCode, verdictHealth } from "./node-health";

export type { Identity } from "../identity/identify";

export interface WhoamiOptions extends AwsOptions {
  expectRole?: string;
}

/** Every field of T present, `null` where it has no value. */
type Present<T> = { [K in keyof T]-?: undefined extends T[K] ? Exclude<T[K], undefined> | null : T[K] };

/** The fields README's JSON contract lists for each part of the document, in its order; nothing else goes out. */
const SOURCE = [
  "provider",
  "method",
  "profile",
  "path",
  "roleArn",
  "accessKeyId",
  "local",
  "longTerm",
] as const;
const INSTANCE_PROFILE = [
  "reachable",
  "roleName",
  "instanceProfileArn",
  "instanceId",
  "localIpv4",
  "region",
  "error",
] as const;
const VERDICT = ["status", "reason", "expectedRole", "expectedFrom", "fix"] as const;
const CHAIN_ERROR = ["kind", "message", "detail", "fix", "provider", "path", "line"] as const;

export type SourceDocument = Present<Pick<CredentialSource, (typeof SOURCE)[number]>>;

/** whoami's JSON document: every field README lists, `null` where it does not apply. */
export interface WhoamiResult {
  schemaVersion: 1;
  identity: Identity | null;
  credentialSource: SourceDocument | null;
  instanceProfile: Present<Pick<InstanceProfile, (typeof INSTANCE_PROFILE)[number]>>;
  verdict: Present<Verdict>;
  problem: ClassifiedError | null;
  chainError: Present<ChainError> | null;
  nodeJs: SourceDocument | null;
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
  const report = await identifyNode(ctx, {
    profile: options.profile,
    region: options.region,
    ...(expectRole ? { expectRole } : {}),
  });
  return whoamiDocument(report);
}

export function whoamiDocument(report: IdentityReport): WhoamiResult {
  const source = (found: CredentialSource | null) => found && fields(found, SOURCE);
  return {
    schemaVersion: 1,
    identity: report.identity,
    credentialSource: source(report.credentialSource),
    instanceProfile: fields(report.instanceProfile, INSTANCE_PROFILE),
    verdict: fields(report.verdict, VERDICT),
    problem: report.problem,
    chainError: report.chainError && fields(report.chainError, CHAIN_ERROR),
    nodeJs: source(report.nodeJs),
    region: report.region,
  };
}

function fields<T extends object, K extends keyof T>(value: T, keys: readonly K[]): Present<Pick<T, K>> {
  return Object.fromEntries(keys.map((key) => [key, value[key] ?? null])) as Present<Pick<T, K>>;
}

/** diagnose's rule: 0 healthy, 1 overridden, mismatch or broken, 3 no-credentials or unknown (could not decide). */
export function whoamiExitCode(result: WhoamiResult): ExitCode {
  return healthExitCode(verdictHealth(result.verdict.status));
}
