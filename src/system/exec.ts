import type { Executor } from "../context";
import { CannotRunError } from "../errors";

// Loaded on first use: a command that never starts a process (whoami, --help) does not parse execa.
const loadExeca = async () => (await import("execa")).execa;

/** The one place child processes start: argv arrays, no shell, so injection is impossible by construction. */
export function createExecutor(): Executor {
  return {
    async run(argv, options = {}) {
      const [command = "", ...args] = argv;
      const execa = await loadExeca();
      const child = execa(command, args, {
        reject: false,
        stdin: options.input === undefined ? "ignore" : "pipe",
        ...(options.input === undefined ? {} : { input: options.input }),
        ...(options.timeoutMs ? { timeout: options.timeoutMs } : {}),
      });
      if (options.onStdout)
        child.stdout?.on("data", (chunk: Buffer) => options.onStdout?.(chunk.toString("utf8")));
      const result = await child;
      if (isNotFound(result)) throw notFound(command);
      return {
        exitCode: result.exitCode ?? 128,
        stdout: String(result.stdout ?? ""),
        stderr: String(result.stderr ?? ""),
        timedOut: Boolean(result.timedOut),
      };
    },

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
      const execa = await loadExeca();
      const result = await execa("sh", ["-c", 'command -v -- "$1"', "which", command], { reject: false });
      const path = String(result.stdout ?? "").trim();
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
