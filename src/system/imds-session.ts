/**
 * IMDSv2 asked as the SDK's instance-metadata credential provider asks it (its endpoint settings, its request
 * helper, its token and fallback rules), with the token and the role's name asked once a run: the instance
 * profile's description and the instance role's keys both need them, and every request is a millisecond of a
 * whoami that sits on two cores beside the jobs.
 */
import { getInstanceMetadataEndpoint, httpRequest } from "@smithy/credential-provider-imds";
import type { AwsCredentialIdentity } from "@smithy/types";

/** Off EC2 the link-local address times out; a node answers in milliseconds. */
const IMDS_TIMEOUT_MS = 1000;
const CREDENTIALS_PATH = "meta-data/iam/security-credentials/";

export interface ImdsSession {
  /** The IMDSv2 token; rejects with the request's error (its statusCode, its network code). */
  token(): Promise<string>;
  /** GET /latest/<path> with the token (none where `token` is undefined: IMDSv1). */
  get(path: string, token: string | undefined): Promise<string>;
  /** The text of iam/security-credentials/: the instance role's name. Asked again after a failure. */
  roleList(token: string | undefined): Promise<string>;
}

/** A session on the SDK's IMDS endpoint, or on `endpoint` (a local IMDS proxy). */
export function openImdsSession(endpoint?: string): ImdsSession {
  // Worked out at once (the SDK reads the config file for it) while the command does its first work: the
  // token's request, a whoami's first, then need not wait for it.
  const where = endpoint ? Promise.resolve(parse(endpoint)) : getInstanceMetadataEndpoint();
  where.catch(() => undefined); // its failure is each request's
  let token: Promise<string> | undefined;
  let roles: Promise<string> | undefined;
  const ask = async (method: string, path: string, headers: Record<string, string>) => {
    const { hostname, port, protocol } = await where;
    const answer = await httpRequest({
      method,
      hostname,
      ...(port ? { port } : {}),
      protocol,
      path: `/latest/${path}`,
      headers,
      timeout: IMDS_TIMEOUT_MS,
    });
    return answer.toString("utf8");
  };
  const get = (path: string, withToken: string | undefined) =>
    ask("GET", path, withToken === undefined ? {} : { "x-aws-ec2-metadata-token": withToken });
  return {
    token: () => (token ??= ask("PUT", "api/token", { "x-aws-ec2-metadata-token-ttl-seconds": "21600" })),
    get,
    roleList(withToken) {
      roles ??= get(CREDENTIALS_PATH, withToken).catch((error: unknown) => {
        roles = undefined;
        throw error;
      });
      return roles;
    },
  };
}

function parse(endpoint: string): { hostname: string; port?: number; protocol: string } {
  const url = new URL(endpoint);
  return { hostname: url.hostname, ...(url.port ? { port: Number(url.port) } : {}), protocol: url.protocol };
}

/**
 * The instance role's keys, as `fromInstanceMetadata({ maxRetries: 1 })` fetches them: the token, else IMDSv1
 * (a 400 answer to the token request stops it); the role's name and then its keys, each asked twice at most.
 */
export async function instanceRoleKeys(session: ImdsSession): Promise<AwsCredentialIdentity> {
  let token: string | undefined;
  try {
    token = await session.token();
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 400)
      throw Object.assign(error as Error, { message: "EC2 Metadata token request returned error" });
    token = undefined;
  }
  const role = (await twice(() => session.roleList(token))).trim();
  return twice(async () => keysOf(JSON.parse(await session.get(CREDENTIALS_PATH + role, token))));
}

function twice<T>(work: () => Promise<T>): Promise<T> {
  return work().catch(work);
}

/** `isImdsCredentials`, then the keys. */
function keysOf(answer: unknown): AwsCredentialIdentity {
  const fields = answer as Record<string, unknown> | null;
  const text = (key: string) => (typeof fields?.[key] === "string" ? fields[key] : undefined);
  const [accessKeyId, secretAccessKey, sessionToken, expiration] = [
    text("AccessKeyId"),
    text("SecretAccessKey"),
    text("Token"),
    text("Expiration"),
  ];
  if (
    accessKeyId === undefined ||
    secretAccessKey === undefined ||
    sessionToken === undefined ||
    expiration === undefined
  )
    throw Object.assign(new Error("Invalid response received from instance metadata service."), {
      name: "CredentialsProviderError",
    });
  return { accessKeyId, secretAccessKey, sessionToken, expiration: new Date(expiration) };
}
