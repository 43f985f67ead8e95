import { chmod, copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { writeUbuntuEtc } from "./login-shell";

/** Commands a test must never really run: each stub records its argv to a log and exits. */
export const STUBBED = [
  "sudo",
  "systemctl",
  "reboot",
  "ssh",
  "squeue",
  "scontrol",
  "session-manager-plugin",
] as const;
export type Stubbed = (typeof STUBBED)[number];

export interface StubCall {
  command: Stubbed;
  args: string[];
}

export interface Sandbox {
  root: string;
  /** ubuntu's home, the HOME every command runs with. */
  home: string;
  /** root's and alice's homes in the sandbox's user database (`getent passwd`). */
  rootHome: string;
  aliceHome: string;
  binDir: string;
  resourceConfig: string;
  /** The node's /etc for shell startup files (HPIAM_ETC_DIR): Ubuntu's, never this machine's. */
  etc: string;
  /** Variables that make the CLI see this sandbox as its node. */
  env: Record<string, string>;
  calls(): Promise<StubCall[]>;
  cleanup(): Promise<void>;
}

const FIXTURES = fileURLToPath(new URL("../fixtures/hyperpod/", import.meta.url));

// Records argv as one JSON line; STUB_<NAME>_OUTPUT is printed and STUB_<NAME>_EXIT returned. POSIX sh, not
// node: a stub starts in a few milliseconds, as the real commands do, so the bench measures hpiam and not them
// (which is why an argument goes through sed only when it has a quote or backslash to escape).
const STUB = `#!/bin/sh
name=\${0##*/}
json() { case $1 in *[\\\\\\"]*) printf '"%s"' "$(printf '%s' "$1" | sed 's/\\\\/\\\\\\\\/g; s/"/\\\\"/g')" ;; *) printf '"%s"' "$1" ;; esac; }
line="{\\"command\\":$(json "$name"),\\"args\\":["
sep=""
for arg in "$@"; do line="$line$sep$(json "$arg")"; sep=","; done
printf '%s]}\\n' "$line" >> "$HPIAM_STUB_LOG"
key=$(printf '%s' "$name" | tr 'a-z-' 'A-Z_')
eval "out=\\\${STUB_\${key}_OUTPUT:-}"
eval "code=\\\${STUB_\${key}_EXIT:-0}"
[ -n "$out" ] && printf '%s' "$out"
exit "$code"
`;

/**
 * The node's user database and firewall, answered inside the sandbox: root's home (and every home
 * --all-users scans) is the sandbox's, never this machine's /root, and no machine rules leak into a test.
 * `getent passwd [--] [NAME…]` as the real one answers by name; `iptables-save` prints $FAKE_IPTABLES_SAVE.
 */
const getent = (passwd: string) => `#!/bin/sh
[ "$1" = passwd ] || exit 1
shift
[ "$1" = -- ] && shift
[ $# -eq 0 ] && exec cat '${passwd}'
found=2
for key in "$@"; do
  while IFS= read -r line; do
    case "$line" in "$key":*) printf '%s\n' "$line"; found=0 ;; esac
  done < '${passwd}'
done
exit $found
`;
const IPTABLES_SAVE = `#!/bin/sh
printf '%s' "\${FAKE_IPTABLES_SAVE:-}"
`;

export async function createSandbox(): Promise<Sandbox> {
  const root = await mkdtemp(join(tmpdir(), "hpiam-node-"));
  const home = join(root, "home", "ubuntu");
  const binDir = join(root, "stub-bin");
  const configDir = join(root, "opt", "ml", "config");
  const log = join(root, "stub-calls.jsonl");
  await Promise.all([mkdir(home, { recursive: true }), mkdir(binDir), mkdir(configDir, { recursive: true })]);
  const rootHome = join(root, "root");
  const aliceHome = join(root, "home", "alice");
  await Promise.all([mkdir(rootHome), mkdir(aliceHome)]);
  const passwd = join(root, "passwd");
  await writeFile(
    passwd,
    [
      `root:x:0:0:root:${rootHome}:/bin/bash`,
      "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin",
      `ubuntu:x:1000:1000::${home}:/bin/bash`,
      `alice:x:1001:1001::${aliceHome}:/bin/bash`,
      "",
    ].join("\n"),
  );
  await writeFile(log, "");
  const scripts = [
    ...STUBBED.map((name) => [name, STUB] as const),
    ["getent", getent(passwd)] as const,
    ["iptables-save", IPTABLES_SAVE] as const,
  ];
  for (const [name, script] of scripts) {
    await writeFile(join(binDir, name), script);
    await chmod(join(binDir, name), 0o755);
  }
  const etc = join(root, "etc");
  await writeUbuntuEtc(etc);
  const resourceConfig = join(configDir, "resource_config.json");
  await copyFile(join(FIXTURES, "resource_config.json"), resourceConfig);
  await copyFile(
    join(FIXTURES, "provisioning_parameters.json"),
    join(configDir, "provisioning_parameters.json"),
  );
  return {
    root,
    home,
    rootHome,
    aliceHome,
    binDir,
    resourceConfig,
    etc,
    env: {
      HOME: home,
      PATH: `${binDir}:${process.env.PATH ?? ""}`,
      HPIAM_RESOURCE_CONFIG: resourceConfig,
      HPIAM_STUB_LOG: log,
      HPIAM_ETC_DIR: etc,
    },
    async calls() {
      const text = await readFile(log, "utf8");
      return text
        .split("\n")
        .filter(Boolean)
        .map((line) => JSON.parse(line) as StubCall);
    },
    cleanup: () => rm(root, { recursive: true, force: true }),
  };
}
