import type { Executor } from "../context";
import { CannotRunError } from "../errors";
import { inGroup } from "./process-groups";

// Loaded on first use: a command that never starts a process (whoami, --help) does not parse execa, nor load
// child_process. Captured runs (diagnose's getent, systemctl, iptables-save) need only child_process: execa
// took ~5 ms to load, one diagnose in 25.
const loadExeca = async () => (await import("execa")).execa;
const loadSpawn = async () => (await import("node:child_process")).spawn;

/** `command -v` only looks along PATH: a bound it never comes near. */
const WHICH_TIMEOUT_MS = 3000;

/** The one place child processes start: argv arrays, no shell, so injection is impossible by construction. */
export function createExecutor(): Executor {
  const run: Executor["run"] = async (argv, options = {}) => {
    const [command = "", ...args] = argv;
    const spawn = await loadSpawn();
    const group = inGroup(
      () =>
        spawn(command, args, {
          // A group of its own, killed whole at the deadline (see process-groups.ts).
          detached: true,
          stdio: [options.input === undefined ? "ignore" : "pipe", "pipe", "pipe"],
        }),
      options.timeoutMs,
    );
    const { child } = group;
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout?.on("data", (chunk: Buffer) => {
      stdout.push(chunk);
      options.onStdout?.(chunk.toString("utf8"));
    });
    child.stderr?.on("data", (chunk: Buffer) => stderr.push(chunk));
    // A command that exits without reading its input closes the pipe under the write (EPIPE): not an error here.
    child.stdin?.on("error", () => {});
    child.stdin?.end(options.input);
    const ended = await new Promise<{ exitCode: number | null; error?: NodeJS.ErrnoException }>((resolve) => {
      child.once("error", (error) => resolve({ exitCode: null, error }));
      child.once("close", (exitCode) => resolve({ exitCode }));
    }).finally(() => group.done());
    if (ended.error && isNotFound(ended.error)) throw notFound(command);
    return {
      exitCode: ended.exitCode ?? 128,
      stdout: withoutFinalNewline(Buffer.concat(stdout).toString("utf8")),
      stderr: withoutFinalNewline(Buffer.concat(stderr).toString("utf8")),
      timedOut: group.timedOut,
    };
  };
  return {
    run,

    // A session with the terminal stays in hpiam's own group: it reads the terminal and takes its Ctrl-C.
    async attach(argv) {
      const [command = "", ...args] = argv;
      const execa = await loadExeca();
      const result = await execa(command, args, { reject: false, stdio: "inherit" });
      if (isNotFound(result)) throw notFound(command);
      return result.exitCode ?? 128;
    },

    async attachObserved(argv) {
      const [command = "", ...args] = argv;
      const execa = await loadExeca();
      // stderr reaches the terminal and is kept: `aws ssm start-session` says there why SSM refused.
      const result = await execa(command, args, {
        reject: false,
        stdin: "inherit",
        stdout: "inherit",
        stderr: ["inherit", "pipe"],
      });
      if (isNotFound(result)) throw notFound(command);
      return { exitCode: result.exitCode ?? 128, stderrTail: String(result.stderr ?? "").slice(-4096) };
    },

    async which(command) {
      const result = await run(["sh", "-c", 'command -v -- "$1"', "which", command], {
        timeoutMs: WHICH_TIMEOUT_MS,
      });
      const path = result.stdout.trim();
      return result.exitCode === 0 && path ? path : undefined;
    },
  };
}

/** Output as the callers read it: without the line end a command's last line has. */
function withoutFinalNewline(text: string): string {
  return text.replace(/\r?\n$/, "");
}

function isNotFound(result: { code?: string }): boolean {
  return result.code === "ENOENT";
}

function notFound(command: string): CannotRunError {
  return new CannotRunError(
    `\`${command}\` is not installed or not on PATH`,
    `Install ${command} and try again.`,
  );
}
