/**
 * Fetches the keys of the link botocore's chain picked (src/identity/botocore-chain.ts): static keys from the
 * variables or the file that holds them, STS for roles, and the SDK's own providers for SSO, login, processes,
 * containers and the instance metadata service. Nothing here chooses a link; it only follows the choice.
 */
import { AssumeRoleCommand, AssumeRoleWithWebIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import type { AwsCredentialIdentity } from "@smithy/types";
import { readFile } from "node:fs/promises";
import type { Env, Executor } from "../context";
import type { ChainLink, ReadIni } from "../identity/botocore-chain";
import { configProfiles } from "../identity/botocore-config";
import { readProcessOutput, splitCommandLine } from "../identity/credential-process";
import { type BotocoreFiles, keyPair, sectionKeys } from "./botocore-files";

export interface FetchContext {
  env: Env;
  files: BotocoreFiles["raw"];
  region: string;
  /** Bounded HTTP settings for STS. */
  requestHandler: object;
  clock: () => Date;
  exec: Executor;
}

/** A credential process answers in well under a second; below diagnose's 5 s per check, so it is the one named. */
const CREDENTIAL_PROCESS_TIMEOUT_MS = 3000;

export async function fetchLinkCredentials(
  link: ChainLink,
  ctx: FetchContext,
): Promise<AwsCredentialIdentity> {
  const { env, files } = ctx;
  switch (link.method) {
    case "env":
      return keyPair(
        env.AWS_ACCESS_KEY_ID,
        env.AWS_SECRET_ACCESS_KEY,
        env.AWS_SECURITY_TOKEN || env.AWS_SESSION_TOKEN,
      );
    case "shared-credentials-file":
      return sectionKeys(sections(files.credentials)[link.profile ?? "default"]);
    case "config-file":
      return sectionKeys(configProfiles(sections(files.config)).profiles[link.profile ?? "default"]);
    case "boto-config":
      return sectionKeys(sections(files.botoFiles.find((file) => file.path === link.path)).Credentials);
    case "ec2-credentials-file": {
      const values = files.ec2CredentialFile?.values ?? {};
      return keyPair(values.AWSAccessKeyId, values.AWSSecretKey);
    }
    case "assume-role":
      return assumeRole(link, ctx);
    case "assume-role-with-web-identity":
      return webIdentity(link, ctx);
    case "sso": {
      const { fromSSO } = await import("@aws-sdk/credential-provider-sso");
      return fromSSO({ profile: link.profile, ...sharedPaths(files) })();
    }
    case "login": {
      const { fromLoginCredentials } = await import("@aws-sdk/credential-provider-login");
      return fromLoginCredentials({ profile: link.profile, ...sharedPaths(files) })();
    }
    case "custom-process":
      return credentialProcess(link.command, ctx.exec);
    case "container-role": {
      const { fromHttp } = await import("@aws-sdk/credential-provider-http");
      return fromHttp({ timeout: 2000, maxRetries: 1 })();
    }
    case "iam-role": {
      // botocore's fetcher honours the switch itself; the SDK's provider leaves it to its default chain.
      if (env.AWS_EC2_METADATA_DISABLED?.toLowerCase() === "true") throw new Error("IMDS is disabled");
      const { fromInstanceMetadata } = await import("@smithy/credential-provider-imds");
      return fromInstanceMetadata({ timeout: 1000, maxRetries: 1 })();
    }
  }
}

/** Run as botocore runs it (no shell; the SDK's provider would use one), in a group that its deadline ends. */
async function credentialProcess(command: string, exec: Executor): Promise<AwsCredentialIdentity> {
  const argv = splitCommandLine(command);
  if (argv.length === 0) throw new Error("credential_process is empty");
  const answer = await exec.run(argv, { timeoutMs: CREDENTIAL_PROCESS_TIMEOUT_MS });
  if (answer.timedOut) {
    throw new Error(`the process did not answer within ${CREDENTIAL_PROCESS_TIMEOUT_MS / 1000} s`);
  }
  // botocore's message is the process's stderr, whatever it is.
  if (answer.exitCode !== 0)
    throw new Error(answer.stderr.trim() || `the process exited with ${answer.exitCode}`);
  const keys = readProcessOutput(answer.stdout);
  return {
    ...keyPair(keys.accessKeyId, keys.secretAccessKey, keys.sessionToken),
    ...(keys.expiration ? { expiration: keys.expiration } : {}),
  };
}

async function assumeRole(
  link: Extract<ChainLink, { method: "assume-role" }>,
  ctx: FetchContext,
): Promise<AwsCredentialIdentity> {
  if (link.mfaSerial !== undefined) {
    throw new Error(`[${link.profile}] asks for an MFA code (mfa_serial), which hpiam does not prompt for`);
  }
  const source = await fetchLinkCredentials(link.source, ctx);
  const sts = new STSClient({ region: ctx.region, credentials: source, requestHandler: ctx.requestHandler });
  try {
    const answer = await sts.send(
      new AssumeRoleCommand({
        RoleArn: link.roleArn,
        RoleSessionName: link.sessionName ?? botocoreSessionName(ctx.clock()),
        ...(link.externalId !== undefined ? { ExternalId: link.externalId } : {}),
        ...(link.durationSeconds !== undefined ? { DurationSeconds: link.durationSeconds } : {}),
      }),
    );
    return stsKeys(answer.Credentials);
  } finally {
    sts.destroy();
  }
}

async function webIdentity(
  link: Extract<ChainLink, { method: "assume-role-with-web-identity" }>,
  ctx: FetchContext,
): Promise<AwsCredentialIdentity> {
  const token = await readFile(link.tokenFile, "utf8");
  // AssumeRoleWithWebIdentity is not signed: the token is the proof.
  const sts = new STSClient({
    region: ctx.region,
    requestHandler: ctx.requestHandler,
    credentials: { accessKeyId: "", secretAccessKey: "" },
    signer: { sign: async (request) => request },
  });
  try {
    const answer = await sts.send(
      new AssumeRoleWithWebIdentityCommand({
        RoleArn: link.roleArn,
        RoleSessionName: link.sessionName ?? botocoreSessionName(ctx.clock()),
        WebIdentityToken: token,
      }),
    );
    return stsKeys(answer.Credentials);
  } finally {
    sts.destroy();
  }
}

/** botocore names a session it starts `botocore-session-<epoch seconds>`. */
function botocoreSessionName(now: Date): string {
  return `botocore-session-${Math.floor(now.getTime() / 1000)}`;
}

function stsKeys(
  credentials:
    { AccessKeyId?: string; SecretAccessKey?: string; SessionToken?: string; Expiration?: Date } | undefined,
): AwsCredentialIdentity {
  return {
    ...keyPair(credentials?.AccessKeyId, credentials?.SecretAccessKey, credentials?.SessionToken),
    ...(credentials?.Expiration ? { expiration: credentials.Expiration } : {}),
  };
}

function sections(file: ReadIni | undefined): Record<string, Record<string, string>> {
  return file?.state === "parsed" ? file.sections : {};
}

function sharedPaths(files: BotocoreFiles["raw"]): { filepath: string; configFilepath: string } {
  return { filepath: files.credentials.path, configFilepath: files.config.path };
}
