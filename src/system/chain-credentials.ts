/**
 * Fetches the keys of the link botocore's chain picked (src/identity/model/botocore-chain.ts): static keys from the
 * variables or the file that holds them, STS for roles, a credential_process run as botocore runs it, and the
 * SDK's own providers for SSO, login, containers and the instance metadata service. Nothing here chooses a
 * link; it only follows the choice, and stops (ChainStop) where botocore stops on what it reads on the way.
 */
import type { AwsCredentialIdentity } from "@smithy/types";
import { readFile } from "node:fs/promises";
import type { Env } from "../context";
import type { ChainLink, ReadIni } from "../identity/model/botocore-chain";
import { configProfiles } from "../identity/model/botocore-config";
import { chainErrors } from "../identity/model/chain-errors";
import { ChainStop, ChainUndecidable, stop, undecided } from "../identity/model/chain-stop";
import { checkContainerHost } from "../identity/model/botocore-chain";
import { processKeys } from "../identity/model/process-output";
import { osErrorText, shlexSplit } from "../identity/model/python-forms";
import { assumeRoleReport, webIdentityReport } from "../identity/model/sts-params";
import { type BotocoreFiles, keyPair, sectionKeys } from "./botocore-files";
import { type ImdsSession, instanceRoleKeys } from "./imds-session";
import { inGroup } from "./process-groups";

const PROCESS_FIX = "make the credential_process command work, or remove it from the profile";
const TOKEN_FIX = "check the web identity token file and role, or unset AWS_WEB_IDENTITY_TOKEN_FILE";
const CONTAINER_FIX =
  "unset AWS_CONTAINER_CREDENTIALS_FULL_URI and AWS_CONTAINER_CREDENTIALS_RELATIVE_URI outside a container";
/**
 * A credential_process answers in well under a second; one that has not by then is not waited for (botocore would
 * wait on: undecided). Below diagnose's 5 s per check, so it is the one named.
 */
const PROCESS_TIMEOUT_MS = 3000;

export interface FetchContext {
  env: Env;
  files: BotocoreFiles["raw"];
  region: string;
  /** Bounded HTTP settings for STS. */
  requestHandler: object;
  clock: () => Date;
  /** This run's IMDS session (its token and role name shared with the instance's description). */
  imds: ImdsSession;
}

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
      return runProcess(link, ctx);
    case "container-role": {
      await checkContainer(env);
      const { fromHttp } = await import("@aws-sdk/credential-provider-http");
      return fromHttp({ timeout: 2000, maxRetries: 1 })();
    }
    case "iam-role": {
      if (link.attempts !== undefined && link.attempts < 1)
        throw new Error("metadata_service_num_attempts is 0: botocore never asks IMDS");
      return instanceRoleCredentials(env, ctx.imds);
    }
  }
}

/** The instance role's own keys, from IMDS: the chain's last link, and what hpiam metrics signs CloudWatch with. */
export async function instanceRoleCredentials(env: Env, imds: ImdsSession): Promise<AwsCredentialIdentity> {
  // botocore's fetcher honours the switch itself; the SDK's provider leaves it to its default chain.
  if (env.AWS_EC2_METADATA_DISABLED?.toLowerCase() === "true") throw new Error("IMDS is disabled");
  return instanceRoleKeys(imds);
}

// The STS client is loaded only by the links that assume a role: whoami's GetCallerIdentity does without it.
const loadSts = () => import("@aws-sdk/client-sts");

async function assumeRole(
  link: Extract<ChainLink, { method: "assume-role" }>,
  ctx: FetchContext,
): Promise<AwsCredentialIdentity> {
  const source = await sourceKeys(link, ctx);
  // botocore asks for the code on the terminal; without one (scripts, cron, this) it cannot sign.
  if (link.mfaSerial !== undefined) stop(chainErrors.mfaCode(link.mfaSerial, link.profile));
  const report = assumeRoleReport(link);
  if (report.length > 0) stop(chainErrors.parameters(report, `fix the role settings of [${link.profile}]`));
  const { AssumeRoleCommand, STSClient } = await loadSts();
  const sts = new STSClient({ region: ctx.region, credentials: source, requestHandler: ctx.requestHandler });
  try {
    const answer = await sts.send(
      new AssumeRoleCommand({
        RoleArn: link.roleArn,
        RoleSessionName: link.sessionName || botocoreSessionName(ctx.clock()),
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
  const token = await readAsPython(
    link.tokenFile,
    TOKEN_FIX,
    `the web identity token file ${link.tokenFile}`,
  );
  const report = webIdentityReport(link, token);
  if (report.length > 0) stop(chainErrors.parameters(report, TOKEN_FIX));
  // AssumeRoleWithWebIdentity is not signed: the token is the proof.
  const { AssumeRoleWithWebIdentityCommand, STSClient } = await loadSts();
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
        RoleSessionName: link.sessionName || botocoreSessionName(ctx.clock()),
        WebIdentityToken: token,
      }),
    );
    return stsKeys(answer.Credentials);
  } finally {
    sts.destroy();
  }
}

/**
 * The keys that sign AssumeRole. A credential_source that gives none stops botocore with its own words: IMDS
 * answering nothing is "No credentials found in credential_source", a failing container endpoint its error.
 */
async function sourceKeys(
  link: Extract<ChainLink, { method: "assume-role" }>,
  ctx: FetchContext,
): Promise<AwsCredentialIdentity> {
  try {
    return await fetchLinkCredentials(link.source, ctx);
  } catch (error) {
    if (error instanceof ChainStop || error instanceof ChainUndecidable) throw error;
    if (link.source.method === "iam-role")
      stop(chainErrors.emptyCredentialSource(link.credentialSource ?? "Ec2InstanceMetadata", link.profile));
    if (link.source.method === "container-role")
      stop(chainErrors.retrieval("container-role", firstLine(error), CONTAINER_FIX));
    throw error;
  }
}

/**
 * `ProcessProvider`: the command split as shlex splits it and run without a shell (no `$HOME`, no `~`), its
 * exit code and output read as botocore reads them.
 */
async function runProcess(
  link: Extract<ChainLink, { method: "custom-process" }>,
  ctx: FetchContext,
): Promise<AwsCredentialIdentity> {
  const split = shlexSplit(link.command);
  if ("error" in split) stop(chainErrors.python(split.error, PROCESS_FIX));
  const [file, ...args] = split.words;
  if (file === undefined) stop(chainErrors.python("list index out of range", PROCESS_FIX));
  // Run as botocore runs it (no shell), in a process group of its own that the deadline ends whole.
  const { execa } = await import("execa"); // loaded only for this link: whoami on IMDS never parses it
  const group = inGroup(
    () =>
      execa(file, args, {
        env: ctx.env,
        extendEnv: false,
        reject: false,
        stdin: "ignore",
        encoding: "buffer",
        detached: true,
      }),
    PROCESS_TIMEOUT_MS,
  );
  const result = await group.child.finally(() => group.done());
  const where = `credential_process of [${link.profile}]`;
  if (group.timedOut)
    undecided(where, `it did not finish within ${PROCESS_TIMEOUT_MS / 1000} s, and botocore waits for it`);
  if (result.exitCode === undefined) {
    const text = osErrorText(result.code, file);
    if (text === undefined) throw new Error(`${where} did not run: ${result.shortMessage}`);
    stop(chainErrors.python(text, PROCESS_FIX));
  }
  if (result.exitCode !== 0)
    stop(chainErrors.retrieval("custom-process", Buffer.from(result.stderr).toString("utf8"), PROCESS_FIX));
  const stdout =
    utf8(result.stdout) ?? undecided(where, "its output is not UTF-8, which botocore cannot decode");
  const keys = processKeys(stdout, where, ctx.clock());
  return keyPair(keys.accessKeyId, keys.secretAccessKey, keys.sessionToken);
}

/**
 * `ContainerProvider`: the authorization token (file, else variable) is read before the host is checked; a
 * missing file is Python's OSError, a token with a line break a ValueError.
 */
async function checkContainer(env: Env): Promise<void> {
  const tokenFile = env.AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE;
  const token =
    tokenFile !== undefined
      ? await readAsPython(tokenFile, CONTAINER_FIX, "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE")
      : env.AWS_CONTAINER_AUTHORIZATION_TOKEN;
  if (token !== undefined && /[\r\n]/u.test(token))
    stop(chainErrors.python("Auth token value is not a legal header value", CONTAINER_FIX));
  const relative = env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI;
  checkContainerHost(
    relative !== undefined
      ? `http://169.254.170.2${relative}`
      : (env.AWS_CONTAINER_CREDENTIALS_FULL_URI ?? ""),
  );
}

/** A text file as Python's open() reads it (UTF-8, universal newlines); its OSError as botocore lets it out. */
async function readAsPython(path: string, fix: string, what: string): Promise<string> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    const text = osErrorText((error as NodeJS.ErrnoException).code, path);
    if (text === undefined) throw error;
    stop(chainErrors.python(text, fix));
  }
  const text = utf8(bytes) ?? undecided(what, "it is not UTF-8 text, which Python cannot read");
  return text.replace(/\r\n?/gu, "\n");
}

function utf8(bytes: Uint8Array): string | undefined {
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split("\n")[0] ?? "";
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
