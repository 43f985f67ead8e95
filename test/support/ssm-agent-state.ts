import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { inPrivateMounts } from "./private-mounts";

/** The SSM agent's two folders on a node: its state (identity_config.json) and its configuration. */
export interface AgentFolders {
  state: string;
  config: string;
}

/** Lays out, under `root`, what the agent writes: identity_config.json (when given) and amazon-ssm-agent.json. */
export async function layOutAgent(
  root: string,
  identity: Record<string, string> | undefined,
  profile: { ShareCreds: boolean; ShareProfile: string } = { ShareCreds: true, ShareProfile: "" },
): Promise<AgentFolders> {
  const folders = { state: join(root, "var-lib-amazon-ssm"), config: join(root, "etc-amazon-ssm") };
  await mkdir(join(folders.state, "runtimeconfig"), { recursive: true });
  await mkdir(folders.config, { recursive: true });
  if (identity) {
    await writeFile(
      join(folders.state, "runtimeconfig", "identity_config.json"),
      JSON.stringify({ SchemaVersion: "1.1", ...identity }),
      { mode: 0o600 },
    );
  }
  await writeFile(
    join(folders.config, "amazon-ssm-agent.json"),
    JSON.stringify({ Profile: profile }, null, 2),
  );
  return folders;
}

/**
 * argv that runs a command with `folders` mounted over /var/lib/amazon/ssm and /etc/amazon/ssm in a mount
 * namespace of its own (root only), as the agent's state would be on a node. Where this machine has no such
 * folder, an overlay of /var/lib or /etc (its writable layer on a tmpfs at `scratch`) makes the mount point, so
 * nothing on the machine changes.
 */
export function withAgentFolders(scratch: string, folders: AgentFolders): string[] {
  if (process.getuid?.() !== 0) throw new Error("mounting the agent's folders needs root (unshare --mount)");
  const script = [
    "set -e",
    'mount -t tmpfs tmpfs "$0"',
    'over() { [ -d "$2" ] && return 0; mkdir "$0/$1" "$0/$1.work"; mount -t overlay overlay -o "lowerdir=$3,upperdir=$0/$1,workdir=$0/$1.work" "$3"; mkdir -p "$2"; }',
    "over lib /var/lib/amazon/ssm /var/lib",
    "over etc /etc/amazon/ssm /etc",
    'mount --bind "$1" /var/lib/amazon/ssm',
    'mount --bind "$2" /etc/amazon/ssm',
    "shift 2",
    'exec "$@"',
  ].join("\n");
  return inPrivateMounts(script, scratch, folders.state, folders.config);
}
