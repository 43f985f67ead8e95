import { chmod, copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

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
  home: string;
  binDir: string;
  resourceConfig: string;
  /** Variables that make the CLI see this sandbox as its node. */
  env: Record<string, string>;
  calls(): Promise<StubCall[]>;
  cleanup(): Promise<void>;
}

const FIXTURES = fileURLToPath(new URL("../fixtures/hyperpod/", import.meta.url));

// Records argv as one JSON line; STUB_<NAME>_OUTPUT is printed and STUB_<NAME>_EXIT returned. POSIX sh, not
// node: a stub starts in a few milliseconds, as the real commands do, so the bench measures hpiam and not them.
const STUB = `#!/bin/sh
name=\${0##*/}
json() { printf '"%s"' "$(printf '%s' "$1" | sed 's/\\\\/\\\\\\\\/g; s/"/\\\\"/g')"; }
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

export async function createSandbox(): Promise<Sandbox> {
  const root = await mkdtemp(join(tmpdir(), "hpiam-node-"));
  const home = join(root, "home", "ubuntu");
  const binDir = join(root, "stub-bin");
  const configDir = join(root, "opt", "ml", "config");
  const log = join(root, "stub-calls.jsonl");
  await Promise.all([mkdir(home, { recursive: true }), mkdir(binDir), mkdir(configDir, { recursive: true })]);
  await writeFile(log, "");
  for (const name of STUBBED) {
    await writeFile(join(binDir, name), STUB);
    await chmod(join(binDir, name), 0o755);
  }
  const resourceConfig = join(configDir, "resource_config.json");
  await copyFile(join(FIXTURES, "resource_config.json"), resourceConfig);
  await copyFile(
    join(FIXTURES, "provisioning_parameters.json"),
    join(configDir, "provisioning_parameters.json"),
  );
  return {
    root,
    home,
    binDir,
    resourceConfig,
    env: {
      HOME: home,
      PATH: `${binDir}:${process.env.PATH ?? ""}`,
      HPIAM_RESOURCE_CONFIG: resourceConfig,
      HPIAM_STUB_LOG: log,
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
