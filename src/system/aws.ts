import { join } from "node:path";
import { getHomeDir } from "@smithy/shared-ini-file-loader";
import type { AwsCredentialIdentity } from "@smithy/types";
import type { ChainLink } from "../identity/model/botocore-chain";
import { ChainStop, ChainUndecidable } from "../identity/model/chain-stop";
import { type BotocoreFiles, readBotocoreFiles, sectionKeyPair } from "./botocore-files";
import { secondOpinion } from "./js-chain-opinion";
import { refuseSpecialFiles } from "./special-files";
import { fetchLinkCredentials } from "./chain-credentials";
import { configuredRegion, givenRegion } from "./aws-region";
import type { ImdsSession } from "./imds-session";
import { getCallerIdentity, stsTarget } from "./sts-caller-identity";
import type { AwsCallError, AwsPort, ChainRead, Env, ResolvedCredentials } from "../context";

/** Bounded so that a hanging endpoint cannot hold a node-wide run hostage. */
export const AWS_HTTP_TIMEOUTS = {
  connectionTimeout: 3000,
  requestTimeout: 5000,
  throwOnRequestTimeout: true,
};

/** STS answers in well under a second: two attempts at these keep whoami under about 6 s when it never does. */
const STS_HTTP_TIMEOUTS = { ...AWS_HTTP_TIMEOUTS, connectionTimeout: 2000, requestTimeout: 2500 };

export function createAwsPort(
  env: Env,
  fallbackRegion: () => Promise<string | undefined>,
  imds: ImdsSession,
): AwsPort {
  // What each read keeps back from the model: the files with their secrets, for the chosen link's keys.
  const secrets = new WeakMap<ChainRead, BotocoreFiles["raw"]>();

  return {
    async readChain(options) {
      const { credentialsPath, configPath } = options.sharedFiles ?? sharedFilePaths(env);
      // botocore skips a FIFO or device, but the SDK that signs here would block reading it for its settings.
      refuseSpecialFiles(credentialsPath, configPath);
      // Another home's chain (recover's target) reads that home's files instead of this process's.
      const chainEnv = options.sharedFiles
        ? { ...env, AWS_SHARED_CREDENTIALS_FILE: credentialsPath, AWS_CONFIG_FILE: configPath }
        : env;
      // A fresh read of every file each time: recover verifies with it after moving ~/.aws.
      const filesRead = readBotocoreFiles(chainEnv);
      // The named Region, else the profile's: the order `aws` follows.
      const configured = await configuredRegion(givenRegion(options.region, env), options.profile);
      // Nothing in the environment or config file: the instance knows its region, else STS's global one.
      const region = configured ?? (await fallbackRegion()) ?? "us-east-1";
      const files = await filesRead;
      const read: ChainRead = { env: chainEnv, files: files.input, region, now: new Date() };
      secrets.set(read, files.raw);
      return read;
    },

    async signIn(read, link, options) {
      const raw = secrets.get(read);
      if (!raw) throw new Error("signIn takes a read of this same port");
      const fetching = fetchLinkCredentials(link, {
        env: read.env,
        files: raw,
        region: read.region,
        requestHandler: STS_HTTP_TIMEOUTS,
        clock: () => read.now,
        imds,
      });
      // STS's endpoint is worked out while the link's keys are fetched; its failure is the STS call's, below.
      const target = stsTarget(read.region, options.profile);
      target.catch(() => undefined);
      let credentials: AwsCredentialIdentity;
      try {
        credentials = await fetching;
      } catch (error) {
        // botocore stops (or hpiam cannot tell) on what the link gave: the chain model decides what that means.
        if (error instanceof ChainStop || error instanceof ChainUndecidable) return { stopped: error };
        return { credentialsError: fetchFailure(link, error) };
      }
      const resolved: ResolvedCredentials = {
        accessKeyId: credentials.accessKeyId,
        hasSessionToken: Boolean(credentials.sessionToken),
        ...(credentials.expiration ? { expiration: credentials.expiration } : {}),
      };
      let serverDate: Date | undefined;
      try {
        const answer = await getCallerIdentity({
          credentials,
          target: await target,
          attempts: options.stsAttempts ?? 2,
          timeouts: STS_HTTP_TIMEOUTS,
          onDate: (date) => (serverDate = httpDate(date)),
          ...(options.whileStsAnswers ? { onSent: options.whileStsAnswers } : {}),
        });
        // An answer without an ARN (a broken endpoint) names nobody; the AWS CLI fails on it too.
        if (!answer.Arn)
          throw Object.assign(new Error("STS answered without an identity"), { name: "InvalidResponse" });
        const identity = {
          account: answer.Account ?? "",
          arn: answer.Arn,
          userId: answer.UserId ?? "",
        };
        return { credentials: resolved, identity, ...dated(serverDate) };
      } catch (error) {
        return { credentials: resolved, stsError: toCallError(error), ...dated(serverDate) };
      }
    },

    async jsChain(read, options) {
      const raw = secrets.get(read);
      return raw ? secondOpinion(options.profile, options.sharedFiles, raw) : undefined;
    },

    botocoreFiles: async (filesEnv) => (await readBotocoreFiles(filesEnv)).input,

    async keyOwner(file, section, region) {
      const credentials = await sectionKeyPair(file, section);
      if (!credentials) return undefined;
      try {
        const answer = await getCallerIdentity({
          credentials,
          target: await stsTarget(region, undefined),
          attempts: 1,
          timeouts: STS_HTTP_TIMEOUTS,
        });
        return answer.Arn;
      } catch {
        return undefined;
      }
    },
  };
}

/** The files the SDK reads: AWS_SHARED_CREDENTIALS_FILE and AWS_CONFIG_FILE, else ~/.aws. */
export function sharedFilePaths(env: Env): { credentialsPath: string; configPath: string } {
  return {
    credentialsPath: expandHome(env.AWS_SHARED_CREDENTIALS_FILE || join("~", ".aws", "credentials")),
    configPath: expandHome(env.AWS_CONFIG_FILE || join("~", ".aws", "config")),
  };
}

/** The last link failing is botocore's "Unable to locate credentials"; any other link failing stops the chain. */
function fetchFailure(link: ChainLink, error: unknown): AwsCallError {
  const failure = toCallError(error);
  if (link.method !== "iam-role") return failure;
  return {
    name: "CredentialsProviderError",
    message: `Unable to locate credentials (instance metadata service: ${failure.message.split("\n")[0] ?? ""})`,
  };
}

function httpDate(text: string | undefined): Date | undefined {
  const date = text === undefined ? undefined : new Date(text);
  return date && !Number.isNaN(date.getTime()) ? date : undefined;
}

function dated(serverDate: Date | undefined): { serverDate?: Date } {
  return serverDate ? { serverDate } : {};
}

function expandHome(path: string): string {
  return path.startsWith("~/") ? join(getHomeDir(), path.slice(2)) : path;
}

/** Reduces an SDK or network error to its name, message and status; nothing else of it is kept. */
export function toCallError(error: unknown): AwsCallError {
  const e = (error ?? {}) as {
    name?: string;
    Code?: string;
    message?: string;
    code?: string;
    $metadata?: { httpStatusCode?: number };
    cause?: { code?: string };
  };
  const networkCode = [e.code, e.cause?.code].find((code) => code !== undefined && /^E[A-Z]+$/.test(code));
  return {
    name: e.Code ?? e.name ?? "Error",
    message: e.message ?? String(error),
    ...(e.$metadata?.httpStatusCode !== undefined ? { httpStatus: e.$metadata.httpStatusCode } : {}),
    ...(networkCode ? { networkCode } : {}),
  };
}
