import type { Executor } from "../context";
import { CannotRunError } from "../errors";
import { inGroup } from "./process-groups";

// Loaded on first use: a command that never starts a process (whoami, --help) does not parse execa.
const loadExeca = async () => (await import("execa")).execa;

/** `command -v` only looks along PATH: a bound it never comes near. */
const WHICH_TIMEOUT_MS = 3000;

/** The one place child processes start: argv arrays, no shell, so injection is impossible by construction. */
export function createExecutor(): Executor {
  const run: Executor["run"] = async (argv, options = {}) => {
    const [command = "", ...args] = argv;
    const execa = await loadExeca();
    const group = inGroup(
      () =>
        execa(command, args, {
          reject: false,
          // A group of its own, killed whole at the deadline (see process-groups.ts).
          detached: true,
          stdin: options.input === undefined ? "ignore" : "pipe",
          ...(options.input === undefined ? {} : { input: options.input }),
        }),
      options.timeoutMs,
    );
    const { child } = group;
    if (options.onStdout)
      child.stdout?.on("data", (chunk: Buffer) => options.onStdout?.(chunk.toString("utf8")));
    const result = await child.finally(() => group.done());
    if (isNotFound(result)) throw notFound(command);
    return {
      exitCode: result.exitCode ?? 128,
      stdout: String(result.stdout ?? ""),
      stderr: String(result.stderr ?? ""),
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

function isNotFound(result: { code?: string }): boolean {
  return result.code === "ENOENT";
}

function notFound(command: string): CannotRunError {
  return new CannotRunError(
    `\`${command}\` is not installed or not on PATH`,
    `Install ${command} and try again.`,
  );
}
