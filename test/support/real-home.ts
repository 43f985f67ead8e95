import { answering, credentialsFileLink, linkWins } from "./chain-links";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Context, Files } from "../../src/context";
import type { Identification } from "../../src/identity/identify";
import { createAwsPort } from "../../src/system/aws";
import { openImdsSession } from "../../src/system/imds-session";
import { createFiles } from "../../src/system/files";
import { fakeContext, type FakeOptions } from "./fake-context";
import { NODE_ROLE, nodeIdentity } from "./fake-node";

export const LEAKED_KEY_ID = "AKIAIOSFODNN7EXAMPLE";
export const LEAKED_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
/** What `aws configure` writes to ~/.aws/credentials for this key id. */
export const credentialsFor = (keyId: string) =>
  `[default]\naws_access_key_id = ${keyId}\naws_secret_access_key = ${LEAKED_SECRET}\n`;
/** ~/.aws/credentials and ~/.aws/config after `aws configure` with alice's key. */
export const CREDENTIALS = credentialsFor(LEAKED_KEY_ID);
export const CONFIG = "[default]\nregion = us-west-2\n";

/** What STS says after `aws configure` with alice's key. */
export const asLeakedUser: Identification = {
  region: "us-west-2",
  chain: linkWins(credentialsFileLink()),
  credentials: { accessKeyId: LEAKED_KEY_ID, hasSessionToken: false },
  identity: { account: "123456789012", arn: "arn:aws:iam::123456789012:user/alice", userId: "AIDAEXAMPLE" },
};

/** What STS says for the node's instance-profile role. */
export const asNodeRole: Identification = {
  region: "us-west-2",
  chain: linkWins({ method: "iam-role" }),
  ...nodeIdentity,
};

/**
 * The fake context on a real HOME and the real Files: the SDK's ini loader reads `<home>/.aws`, and the chain
 * signs as alice while `<home>/.aws/credentials` exists, else as the node's role.
 */
export function onRealHome(
  home: string,
  options: FakeOptions & { files?: Files; name?: string } = {},
): Context & { ran: string[][] } {
  const base = fakeContext({ instanceProfile: { reachable: true, roleName: NODE_ROLE }, ...options });
  const real = createAwsPort({}, async () => undefined, openImdsSession());
  const paths = {
    credentialsPath: join(home, ".aws", "credentials"),
    configPath: join(home, ".aws", "config"),
  };
  return {
    ...base,
    files: options.files ?? createFiles(),
    user: { ...base.user, home, ...(options.name ? { name: options.name } : {}) },
    aws: {
      ...answering(() => (existsSync(paths.credentialsPath) ? asLeakedUser : asNodeRole)),
      botocoreFiles: (env) => real.botocoreFiles(env),
      keyOwner: async () => undefined,
    },
  };
}

/** `<root>/home/ubuntu` in a new temp folder, as `aws configure` leaves it; the caller removes `root`. */
export async function configuredHome(): Promise<{ root: string; home: string }> {
  const root = await mkdtemp(join(tmpdir(), "hpiam-recover-"));
  const home = join(root, "home", "ubuntu");
  await mkdir(join(home, ".aws"), { recursive: true });
  await writeFile(join(home, ".aws", "credentials"), CREDENTIALS, { mode: 0o600 });
  await writeFile(join(home, ".aws", "config"), CONFIG);
  return { root, home };
}

/** hpiam's backups in a home, by name. */
export async function backupsIn(home: string): Promise<string[]> {
  return (await readdir(home)).filter((name) => name.startsWith(".aws.hpiam-backup-"));
}
