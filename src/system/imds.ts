import { getInstanceMetadataEndpoint, httpRequest } from "@smithy/credential-provider-imds";
import type { Env, ImdsPort, InstanceProfile } from "../context";

/** Off EC2 the link-local address times out; a node answers in milliseconds. */
const IMDS_TIMEOUT_MS = 1000;

export function createImdsPort(env: Env): ImdsPort {
  let answer: Promise<InstanceProfile> | undefined;
  return {
    describe() {
      answer ??= describeInstance(env);
      return answer;
    },
    describeAt: (endpoint) => describeInstance(env, endpoint),
  };
}

async function describeInstance(env: Env, endpoint?: string): Promise<InstanceProfile> {
  if (env.AWS_EC2_METADATA_DISABLED?.toLowerCase() === "true") {
    return { reachable: false, error: "AWS_EC2_METADATA_DISABLED is set" };
  }
  // The credential provider's own IMDS endpoint (AWS_EC2_METADATA_SERVICE_ENDPOINT and _MODE, the profile's
  // settings) and request: the SDK's metadata client would load a second HTTP stack for six requests.
  const { hostname, port, protocol } = endpoint ? new URL(endpoint) : await getInstanceMetadataEndpoint();
  const ask = async (method: string, path: string, headers: Record<string, string>) =>
    (
      await httpRequest({
        method,
        hostname,
        ...(port ? { port: Number(port) } : {}),
        protocol,
        path: `/latest/${path}`,
        headers,
        timeout: IMDS_TIMEOUT_MS,
      })
    ).toString("utf8");
  let token: string;
  try {
    token = await ask("PUT", "api/token", { "x-aws-ec2-metadata-token-ttl-seconds": "21600" });
  } catch (error) {
    // The request's message is the SDK's; Node's network code (ECONNREFUSED, EHOSTUNREACH…) says why.
    const { message, code } = error as { message?: string; code?: string };
    const why = code ? `${String(message)} (${code})` : String(message);
    return { reachable: false, error: `IMDSv2 token request failed: ${why}` };
  }
  const get = (path: string) =>
    ask("GET", path, { "x-aws-ec2-metadata-token": token })
      .then((text) => text.trim())
      .catch(() => undefined);

  const [roleName, info, instanceId, localIpv4, region] = await Promise.all([
    get("meta-data/iam/security-credentials/").then((text) => text?.split("\n")[0]),
    get("meta-data/iam/info"),
    get("meta-data/instance-id"),
    get("meta-data/local-ipv4"),
    get("meta-data/placement/region"),
  ]);
  return {
    reachable: true,
    ...(roleName ? { roleName } : {}),
    ...optional("instanceProfileArn", parseInfo(info)),
    ...optional("instanceId", instanceId),
    ...optional("localIpv4", localIpv4),
    ...optional("region", region),
  };
}

function parseInfo(info: string | undefined): string | undefined {
  if (!info) return undefined;
  try {
    const arn = (JSON.parse(info) as { InstanceProfileArn?: unknown }).InstanceProfileArn;
    return typeof arn === "string" ? arn : undefined;
  } catch {
    return undefined;
  }
}

function optional<K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> {
  return value ? ({ [key]: value } as Record<K, string>) : {};
}
