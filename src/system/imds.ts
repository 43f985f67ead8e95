import type { Env, ImdsPort, InstanceProfile } from "../context";
import { type ImdsSession, openImdsSession } from "./imds-session";

/** The instance as IMDS describes it, through this run's session (its token and role shared with the keys'). */
export function createImdsPort(env: Env, session: ImdsSession): ImdsPort {
  let answer: Promise<InstanceProfile> | undefined;
  return {
    describe() {
      answer ??= describeInstance(env, session);
      return answer;
    },
    describeAt: (endpoint) => describeInstance(env, openImdsSession(endpoint)),
  };
}

async function describeInstance(env: Env, session: ImdsSession): Promise<InstanceProfile> {
  if (env.AWS_EC2_METADATA_DISABLED?.toLowerCase() === "true") {
    return { reachable: false, error: "AWS_EC2_METADATA_DISABLED is set" };
  }
  let token: string;
  try {
    token = await session.token();
  } catch (error) {
    // The request's message is the SDK's; Node's network code (ECONNREFUSED, EHOSTUNREACH…) says why.
    const { message, code } = error as { message?: string; code?: string };
    const why = code ? `${String(message)} (${code})` : String(message);
    return { reachable: false, error: `IMDSv2 token request failed: ${why}` };
  }
  const answered = (text: Promise<string>) => text.then((found) => found.trim()).catch(() => undefined);
  const get = (path: string) => answered(session.get(path, token));

  const [roleName, info, { instanceId, localIpv4, region }] = await Promise.all([
    answered(session.roleList(token)).then((text) => text?.split("\n")[0]),
    get("meta-data/iam/info"),
    instanceIdentity(get),
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

interface InstanceIdentity {
  instanceId?: string | undefined;
  localIpv4?: string | undefined;
  region?: string | undefined;
}

/**
 * The instance's id, address and Region from its identity document: one request instead of three. Where that is
 * not served (an IMDS proxy may answer meta-data/ alone), from meta-data/.
 */
async function instanceIdentity(
  get: (path: string) => Promise<string | undefined>,
): Promise<InstanceIdentity> {
  const document = parseIdentityDocument(await get("dynamic/instance-identity/document"));
  if (document) return document;
  const [instanceId, localIpv4, region] = await Promise.all([
    get("meta-data/instance-id"),
    get("meta-data/local-ipv4"),
    get("meta-data/placement/region"),
  ]);
  return { instanceId, localIpv4, region };
}

function parseIdentityDocument(text: string | undefined): InstanceIdentity | undefined {
  if (!text) return undefined;
  try {
    const fields = JSON.parse(text) as Record<string, unknown> | null;
    const field = (key: string) => (typeof fields?.[key] === "string" ? fields[key] : undefined);
    // The primary private address is meta-data's local-ipv4.
    const found = { instanceId: field("instanceId"), localIpv4: field("privateIp"), region: field("region") };
    return found.instanceId ? found : undefined;
  } catch {
    return undefined;
  }
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
