import { MetadataService } from "@aws-sdk/ec2-metadata-service";
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
  const service = new MetadataService({
    ...(endpoint ? { endpoint } : {}),
    httpOptions: { timeout: IMDS_TIMEOUT_MS },
    retries: 0,
    disableFetchToken: true,
    ec2MetadataV1Disabled: false,
  });
  let token: string;
  try {
    token = await service.fetchMetadataToken();
  } catch (error) {
    return { reachable: false, error: `IMDSv2 token request failed: ${String((error as Error).message)}` };
  }
  const get = (path: string) =>
    service
      .request(`latest/${path}`, { headers: { "x-aws-ec2-metadata-token": token } })
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
