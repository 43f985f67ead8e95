import { execa } from "execa";
import type { Executor } from "../context";
import { CannotRunError } from "../errors";

/** The one place child processes start: argv arrays, no shell, so injection is impossible by construction. */
export function createExecutor(): Executor {
  return {
    async run(argv, options = {}) {
      const [command = "", ...args] = argv;
      const result = await execa(command, args, {
        reject: false,
        stdin: options.input === undefined ? "ignore" : "pipe",
        ...(options.input === undefined ? {} : { input: options.input }),
        ...(options.timeoutMs ? { timeout: options.timeoutMs } : {}),
      });
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
      const result = await execa(command, args, { reject: false, stdio: "inherit" });
      if (isNotFound(result)) throw notFound(command);
      return result.exitCode ?? 128;
    },

    async which(command) {
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
