import { execa } from "execa";
import { fileURLToPath } from "node:url";
import { COMMANDS, runCli } from "../../src/cli";
import type { Context } from "../../src/context";

/** The built CLI, as `npm run build` leaves it. */
export const CLI = fileURLToPath(new URL("../../bin/hpiam.js", import.meta.url));
/** uid and gid of `nobody`: a cluster user without sudo. */
export const NOBODY = 65534;

/** What a person sees of a run. */
export interface RunResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface CliResult extends RunResult {
  /** stdout as the one JSON document `--json` prints; undefined when stdout is not one. */
  json: ReturnType<typeof JSON.parse>;
}

export interface RunHow {
  /** Through setpriv as uid and gid 65534, with no supplementary groups. */
  asNobody?: boolean;
  cwd?: string;
  /** An argv the command runs under, such as `unshare …` with a machine file replaced in its own namespace. */
  within?: string[];
  /** What the program reads on stdin; none (as under a scheduler) when not given. */
  input?: string;
}

/** Runs `argv` with exactly `env`: nothing leaks in from the developer's own shell or AWS setup. */
export async function runProgram(
  argv: readonly string[],
  env: Record<string, string>,
  how: RunHow = {},
): Promise<CliResult> {
  const [command = "", ...args] = [
    ...(how.within ?? []),
    ...(how.asNobody ? ["setpriv", `--reuid=${NOBODY}`, `--regid=${NOBODY}`, "--clear-groups"] : []),
    ...argv,
  ];
  const { exitCode, stdout, stderr } = await execa(command, args, {
    env,
    extendEnv: false,
    reject: false,
    ...(how.input === undefined ? { stdin: "ignore" as const } : { input: how.input }),
    ...(how.cwd ? { cwd: how.cwd } : {}),
  });
  return cliResult(exitCode ?? -1, stdout, stderr);
}

/** The built CLI run as a user runs it, in a sandbox's environment (a simulated node's `env`). */
export function runHpiam(
  args: readonly string[],
  env: Record<string, string>,
  how: RunHow = {},
): Promise<CliResult> {
  return runProgram([process.execPath, CLI, ...args], env, how);
}

/** The same command line in this process, on a fake context: no build, no child process, no root. */
export async function runHpiamInProcess(
  args: readonly string[],
  ctx: Context,
  io: { env?: Record<string, string>; isTTY?: boolean } = {},
): Promise<CliResult> {
  const out: string[] = [];
  const err: string[] = [];
  const exitCode = await runCli(
    args,
    { stdout: (t) => out.push(t), stderr: (t) => err.push(t), isTTY: io.isTTY ?? false, env: io.env ?? {} },
    () => ctx,
    COMMANDS,
  );
  return cliResult(exitCode, out.join(""), err.join(""));
}

function cliResult(exitCode: number, stdout: string, stderr: string): CliResult {
  let json: ReturnType<typeof JSON.parse>;
  try {
    json = JSON.parse(stdout);
  } catch {
    json = undefined;
  }
  return { exitCode, stdout, stderr, json };
}
