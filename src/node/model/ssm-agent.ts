/**
 * The SSM agent's own identity, and what root's keys break because of it. The agent records the identity it chose
 * (OnPrem, then EC2, then a custom chain: amazon-ssm-agent's agent/appconfig/constants.go) in identity_config.json;
 * only an OnPrem identity that shares its credentials writes them into a profile of a credentials file, by default
 * root's `[default]`. Since 3.2.1297 ("Remove credential file dependency in agent workers") the EC2 identity's
 * connection reads no file, but the documents it runs as root sign with root's keys (amazon-ssm-agent #526, #497).
 */
import { posix } from "node:path";

export const IDENTITY_CONFIG_PATH = "/var/lib/amazon/ssm/runtimeconfig/identity_config.json";
export const AGENT_CONFIG_PATH = "/etc/amazon/ssm/amazon-ssm-agent.json";
/** The deb/rpm package's unit, and the snap's (Ubuntu images). */
export const AGENT_UNITS = {
  package: "amazon-ssm-agent",
  snap: "snap.amazon-ssm-agent.amazon-ssm-agent",
} as const;

/** What identity_config.json says; the share file and profile are null when the agent shares no credentials. */
export interface AgentIdentity {
  /** `OnPrem`, `EC2`, `CustomIdentity`, … */
  identityType: string;
  credentialSource: string | null;
  instanceId: string | null;
  shareFile: string | null;
  /** The agent writes `default` for an empty ShareProfile. */
  shareProfile: string | null;
}

export interface SsmAgentState {
  /** Why it is null, otherwise. */
  identity: AgentIdentity | { unread: string };
  /** amazon-ssm-agent.json's Profile.ShareCreds; the agent's default is true. */
  shareCreds: boolean;
  version: string | null;
  /** The systemd unit that runs it: the deb/rpm package's, or the snap's. */
  unit: string;
}

/** A place in root's AWS files that supplies keys (accessKeyId masked, `AKIA…WXYZ`). */
export interface RootProfile {
  path: string;
  profile?: string;
  accessKeyId?: string;
}

/**
 * `agent-connection`: root's keys sit where the agent keeps its own; `agent-commands`: the agent's connection
 * survives, the documents it runs as root sign with them; `none`: they reach neither; `unknown`: the agent's
 * identity could not be read.
 */
export type AgentImpact = "agent-connection" | "agent-commands" | "none" | "unknown";

export interface RootKeysFinding<P extends RootProfile = RootProfile> {
  impact: AgentImpact;
  /** The profile whose keys the finding is about: the one the agent shares into, else `default`. */
  used?: P;
  /** The agent's own temporary credentials, where its OnPrem identity shares them (not someone's keys). */
  agentsOwn?: P;
  /** What that means, after "<keys> in <file> [<profile>]: ". */
  says: string;
}

/** The version whose workers stopped reading a credentials file (release notes 3.2.1297.0). */
const FILELESS_WORKERS = "3.2.1297";

export function parseIdentityConfig(text: string): AgentIdentity | { unread: string } {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return { unread: `${IDENTITY_CONFIG_PATH} is not JSON` };
  }
  const field = (name: string) => {
    const value = (doc as Record<string, unknown> | null)?.[name];
    return typeof value === "string" && value !== "" ? value : null;
  };
  const identityType = field("IdentityType");
  if (!identityType) return { unread: `${IDENTITY_CONFIG_PATH} names no IdentityType` };
  const shareFile = field("ShareFile");
  return {
    identityType,
    credentialSource: field("CredentialSource"),
    instanceId: field("InstanceId"),
    shareFile,
    shareProfile: shareFile ? (field("ShareProfile") ?? "default") : null,
  };
}

/** Profile.ShareCreds of amazon-ssm-agent.json; a file the agent cannot parse leaves it its default, true. */
export function parseShareCreds(text: string): boolean {
  try {
    const doc = JSON.parse(text) as { Profile?: { ShareCreds?: unknown } } | null;
    return doc?.Profile?.ShareCreds !== false;
  } catch {
    return true;
  }
}

/** `SSM Agent version: 3.2.1377.0` (`amazon-ssm-agent --version`) → `3.2.1377.0`. */
export function parseAgentVersion(output: string): string | null {
  return /\b(\d+\.\d+\.\d+(?:\.\d+)?)\b/.exec(output)?.[1] ?? null;
}

function atLeast(version: string, floor: string): boolean {
  const have = version.split(".").map(Number);
  const need = floor.split(".").map(Number);
  for (const [i, part] of need.entries()) {
    const diff = (have[i] ?? 0) - part;
    if (diff !== 0) return diff > 0;
  }
  return true;
}

/** `agent 3.2.1377.0, EC2 identity`, `OnPrem identity sharing its credentials in F [P]`, or why it is unknown. */
export function describeAgent(agent: SsmAgentState): string {
  const version = agent.version ? `agent ${agent.version}, ` : "";
  if ("unread" in agent.identity) return `${version}identity unknown: ${agent.identity.unread}`;
  const shared = sharedSection(agent);
  const sharing = shared ? ` sharing its credentials in ${shared.file} [${shared.profile}]` : "";
  return `${version}${agent.identity.identityType} identity${sharing}`;
}

/** Where the agent writes its own credentials: only an OnPrem identity that shares them does. */
function sharedSection(agent: SsmAgentState): { file: string; profile: string } | undefined {
  const { identity } = agent;
  if ("unread" in identity || identity.identityType !== "OnPrem" || !agent.shareCreds) return undefined;
  return identity.shareFile && identity.shareProfile
    ? { file: identity.shareFile, profile: identity.shareProfile }
    : undefined;
}

/** What root's keys (its profiles that supply keys) break, given the agent's identity. */
export function rootKeysImpact<P extends RootProfile>(
  agent: SsmAgentState,
  profiles: readonly P[],
  readByDefault: (profile: P) => boolean = (p) => p.profile === "default",
): RootKeysFinding<P> {
  const shared = sharedSection(agent);
  const inShared =
    shared &&
    profiles.find(
      (p) => posix.normalize(p.path) === posix.normalize(shared.file) && p.profile === shared.profile,
    );
  const agentsOwn = inShared && inShared.accessKeyId?.startsWith("ASIA") ? inShared : undefined;
  const used = inShared && !agentsOwn ? inShared : profiles.find((p) => readByDefault(p) && p !== agentsOwn);
  const own = agentsOwn ? { agentsOwn } : {};
  if (!used) return { impact: "none", ...own, says: "nothing root signs with by default" };
  const found = { used, ...own };
  const { identity } = agent;
  if ("unread" in identity) {
    return {
      impact: "unknown",
      ...found,
      says: `every command root runs signs with them, and the SSM agent may too, dropping the node off SSM (its identity is unknown: ${identity.unread})`,
    };
  }
  if (used === inShared) {
    const what = used.accessKeyId?.startsWith("AKIA")
      ? "a long-term key now sits where its temporary one belongs"
      : "other credentials now sit where its temporary ones belong";
    return {
      impact: "agent-connection",
      ...found,
      says: `the SSM agent's OnPrem identity shares its own credentials through this file and profile, and ${what}: its connection fails until it refreshes them`,
    };
  }
  if (identity.identityType === "OnPrem" || identity.identityType === "EC2") {
    if (identity.identityType === "EC2" && agent.version && !atLeast(agent.version, FILELESS_WORKERS)) {
      return {
        impact: "none",
        ...found,
        says: `every command root runs signs with them; the SSM agent ${agent.version} (EC2 identity, before ${FILELESS_WORKERS}) gives the documents it runs its own credentials`,
      };
    }
    return {
      impact: "agent-commands",
      ...found,
      says: `every document the SSM agent runs as root (Run Command, patching) signs with them; its connection (${identity.identityType} identity) does not read this file`,
    };
  }
  return {
    impact: "unknown",
    ...found,
    says: `every command root runs signs with them, and the SSM agent may too (its ${identity.identityType} identity: hpiam does not know which files that reads)`,
  };
}
