import { statSync } from "node:fs";
import { join } from "node:path";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { defaultProvider } from "@aws-sdk/credential-provider-node";
import { getHomeDir, loadSharedConfigFiles } from "@smithy/shared-ini-file-loader";
import type {
  AwsCallError,
  AwsPort,
  Env,
  Identification,
  Logger,
  ProfileSection,
  ResolvedCredentials,
  SharedFiles,
} from "../context";
import { CannotRunError } from "../errors";

/** Keys that must never leave this module. */
const SECRET_KEYS = new Set(["aws_secret_access_key", "aws_session_token", "aws_security_token"]);

/** Bounded so that a hanging endpoint cannot hold a node-wide run hostage. */
export const AWS_HTTP_TIMEOUTS = {
  connectionTimeout: 3000,
  requestTimeout: 5000,
  throwOnRequestTimeout: true,
};

export function createAwsPort(
  env: Env,
  log: Logger,
  fallbackRegion: () => Promise<string | undefined>,
): AwsPort {
  const sdkLogger = {
    debug() {},
    info() {},
    warn: (m: string) => log.debug(m),
    error: (m: string) => log.debug(m),
  };

  return {
    async identify(options) {
      const { credentialsPath, configPath } = options.sharedFiles ?? sharedFilePaths(env);
      refuseSpecialFiles(credentialsPath, configPath);
      // A fresh chain each time, reading the files again: recover verifies with it after moving ~/.aws.
      const provider = defaultProvider({
        profile: options.profile,
        ignoreCache: true,
        logger: sdkLogger,
        ...(options.sharedFiles ? { filepath: credentialsPath, configFilepath: configPath } : {}),
      });
      const resolving = provider().then(
        (credentials) => ({ credentials }),
        (error: unknown) => ({ error }),
      );
      // The client signs with exactly the keys resolved (and attributed) here.
      const signWith = async () => {
        const resolved = await resolving;
        if ("error" in resolved) throw resolved.error;
        return resolved.credentials;
      };
      let serverDate: Date | undefined;
      const client = (region?: string) => {
        const sts = new STSClient({
          profile: options.profile,
          region,
          credentials: signWith,
          maxAttempts: 2,
          requestHandler: AWS_HTTP_TIMEOUTS,
          logger: sdkLogger,
        });
        // Inside the deserializer, so that an error answer's Date (a clock-skew rejection's) is seen too.
        sts.middlewareStack.add(
          (next) => async (args) => {
            const out = await next(args);
            serverDate = httpDate((out.response as { headers?: Record<string, string> }).headers?.date);
            return out;
          },
          { step: "deserialize", priority: "low", name: "hpiamServerDate" },
        );
        return sts;
      };
      // One client, whose own region chain (--region, AWS_REGION, the profile) is the one `aws` follows; the
      // region and the credentials resolve concurrently (start-up time matters on hundreds of nodes).
      let sts = client(options.region);
      const [configured, chain] = await Promise.all([sts.config.region().catch(() => undefined), resolving]);
      let region = configured;
      if (!region) {
        // Nothing in the environment or config file: the instance knows its region, else STS's global one.
        region = (await fallbackRegion()) ?? "us-east-1";
        sts.destroy();
        sts = client(region);
      }
      if ("error" in chain) {
        sts.destroy();
        return { region, credentialsError: toCallError(chain.error) };
      }
      const { credentials } = chain;
      const resolved: ResolvedCredentials = {
        accessKeyId: credentials.accessKeyId,
        features: Object.keys((credentials as { $source?: Record<string, string> }).$source ?? {}),
        hasSessionToken: Boolean(credentials.sessionToken),
        ...(credentials.expiration ? { expiration: credentials.expiration } : {}),
      };
      try {
        const answer = await sts.send(new GetCallerIdentityCommand({}));
        const identity = {
          account: answer.Account ?? "",
          arn: answer.Arn ?? "",
          userId: answer.UserId ?? "",
        };
        return { region, credentials: resolved, identity, ...dated(serverDate) } satisfies Identification;
      } catch (error) {
        return { region, credentials: resolved, stsError: toCallError(error), ...dated(serverDate) };
      } finally {
        sts.destroy();
      }
    },

    async sharedFiles(paths): Promise<SharedFiles> {
      const { credentialsPath, configPath } = paths ?? sharedFilePaths(env);
      refuseSpecialFiles(credentialsPath, configPath);
      const { credentialsFile, configFile } = await loadSharedConfigFiles({
        filepath: credentialsPath,
        configFilepath: configPath,
        ignoreCache: true,
      });
      return {
        credentialsPath,
        configPath,
        credentials: redact(credentialsFile),
        config: redact(configFile),
      };
    },
  };
}

/** The files the SDK reads: AWS_SHARED_CREDENTIALS_FILE and AWS_CONFIG_FILE, else ~/.aws. */
function sharedFilePaths(env: Env): { credentialsPath: string; configPath: string } {
  return {
    credentialsPath: expandHome(env.AWS_SHARED_CREDENTIALS_FILE || join("~", ".aws", "credentials")),
    configPath: expandHome(env.AWS_CONFIG_FILE || join("~", ".aws", "config")),
  };
}

/** The SDK would block forever reading a FIFO (or a device) planted where a shared file should be. */
function refuseSpecialFiles(...paths: string[]): void {
  for (const path of paths) {
    let info;
    try {
      info = statSync(path, { throwIfNoEntry: false });
    } catch {
      continue; // unreadable: the SDK reads it as empty too
    }
    if (info && !info.isFile() && !info.isDirectory()) {
      throw new CannotRunError(
        `${path} is not a regular file`,
        "Move it aside: the AWS SDK and CLI would hang reading it.",
        "bad-aws-file",
      );
    }
  }
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

function redact(
  sections: Record<string, Record<string, string | undefined>>,
): Record<string, ProfileSection> {
  return Object.fromEntries(
    Object.entries(sections).map(([name, section]) => [
      name,
      Object.fromEntries(Object.entries(section).filter(([key]) => !SECRET_KEYS.has(key.toLowerCase()))),
    ]),
  );
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
