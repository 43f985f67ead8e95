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

// Records argv as one JSON line; STUB_<NAME>_OUTPUT is printed and STUB_<NAME>_EXIT returned.
const STUB = `#!/usr/bin/env node
const { appendFileSync } = require("node:fs");
const name = require("node:path").basename(process.argv[1]);
const key = name.toUpperCase().replace(/-/g, "_");
appendFileSync(process.env.HPIAM_STUB_LOG, JSON.stringify({ command: name, args: process.argv.slice(2) }) + "\\n");
if (process.env["STUB_" + key + "_OUTPUT"]) process.stdout.write(process.env["STUB_" + key + "_OUTPUT"]);
process.exit(Number(process.env["STUB_" + key + "_EXIT"] ?? 0));
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
    await writeFile(join(binDir, name), STUB.replace("#!/usr/bin/env node", `#!${process.execPath}`));
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
