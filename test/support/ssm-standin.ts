import { chmod, mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { CLI } from "./simulated-node";

/** How one node answers a session: as a node would, or as SSM would refuse it. */
export type StandInState = "healthy" | "overridden" | "not-connected" | "denied" | "throttled" | "silent";

export interface StandInConfig {
  /** Each SSM target's state; a target not listed is one SSM does not know. */
  targets: Record<string, StandInState>;
  /** The node's environment (the simulated node's: IMDS, moto, its sandbox HOME). */
  nodeEnv: Record<string, string>;
  /** The HOME of an overridden node: its ~/.aws holds the IAM user's key. */
  overriddenHome: string;
}

export interface SsmStandIn {
  /** Put first on PATH: `aws` (ssm start-session only) and the node's hpiam. */
  binDir: string;
  /** hpiam as every stand-in node has it (`--hpiam`). */
  hpiam: string;
  configure(config: StandInConfig): Promise<void>;
  /** Every `aws` argv, in order. */
  sessions(): Promise<string[][]>;
}

// `aws ssm start-session … --document-name AWS-StartNonInteractiveCommand --parameters command=…` for one
// target: runs the command here in that node's environment and frames its output as the plugin does.
const AWS = `#!${process.execPath}
const fs = require("node:fs");
const { join } = require("node:path");
const { spawnSync } = require("node:child_process");
const dir = process.env.STANDIN_DIR;
const args = process.argv.slice(2);
fs.appendFileSync(join(dir, "sessions.log"), JSON.stringify(args) + "\\n");
const config = JSON.parse(fs.readFileSync(join(dir, "config.json"), "utf8"));
const value = (flag) => args[args.indexOf(flag) + 1] ?? "";
const target = value("--target");
const fail = (code, message) => {
  process.stderr.write("\\nAn error occurred (" + code + ") when calling the StartSession operation: " + message + "\\n");
  process.exit(254);
};
if (args[0] !== "ssm" || args[1] !== "start-session") fail("InvalidCommand", "the stand-in does only ssm start-session");
let state = config.targets[target];
if (state === undefined) fail("InvalidTarget", target + " is not a valid target");
if (state === "not-connected") fail("TargetNotConnected", target + " is not connected.");
if (state === "denied") fail("AccessDeniedException", "User is not authorized to perform: ssm:StartSession on resource");
if (state === "throttled") {
  const mark = join(dir, "throttled-" + target.replace(/[^\\w-]/g, "_"));
  if (!fs.existsSync(mark)) {
    fs.writeFileSync(mark, "");
    fail("ThrottlingException", "Rate exceeded");
  }
  state = "healthy";
}
const id = "admin-" + process.pid.toString(16).padStart(17, "0");
process.stdout.write("\\r\\nStarting session with SessionId: " + id + "\\r\\n");
if (state === "silent") setInterval(() => {}, 60000);
else {
  let words = value("--parameters").replace(/^command=/, "").split(" ");
  if (words[0] === "sudo" && words[1] === "-n") words = words.slice(2);
  const env = state === "overridden" ? { ...config.nodeEnv, HOME: config.overriddenHome } : config.nodeEnv;
  const ran = spawnSync(words[0], words.slice(1), { env, encoding: "utf8" });
  process.stdout.write((ran.stdout + ran.stderr).replace(/\\n/g, "\\r\\n"));
  process.stdout.write("\\r\\n\\r\\nExiting session with sessionId: " + id + ".\\r\\n\\r\\n");
}
`;

/** A stand-in for `aws ssm start-session` over a cluster of nodes that are this machine, each in its state. */
export async function createSsmStandIn(root: string): Promise<SsmStandIn> {
  const binDir = join(root, "ssm-standin");
  await mkdir(binDir, { recursive: true });
  await writeFile(join(binDir, "aws"), AWS);
  const hpiam = join(binDir, "node-hpiam");
  await writeFile(hpiam, `#!/bin/sh\nexec "${process.execPath}" "${CLI}" "$@"\n`);
  await Promise.all([chmod(join(binDir, "aws"), 0o755), chmod(hpiam, 0o755)]);
  await writeFile(join(binDir, "sessions.log"), "");
  return {
    binDir,
    hpiam,
    configure: (config) => writeFile(join(binDir, "config.json"), JSON.stringify(config)),
    async sessions() {
      const text = await readFile(join(binDir, "sessions.log"), "utf8");
      return text
        .split("\n")
        .filter(Boolean)
        .map((line) => JSON.parse(line) as string[]);
    },
  };
}
