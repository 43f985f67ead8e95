import { isatty } from "node:tty";
import type { Prompt } from "../context";

/** Asks only a person at a terminal; scripts (SSM Run Command, srun, pdsh) never see a prompt. */
export function createPrompt(): Prompt {
  // The descriptors, not process.stdin: making that stream costs a millisecond of every command's start.
  const interactive = isatty(0) && isatty(2);
  return {
    interactive,
    async confirm(message, defaultAnswer) {
      if (!interactive) return false;
      const { default: confirm } = await import("@inquirer/confirm");
      try {
        return await confirm({ message, default: defaultAnswer }, { output: process.stderr });
      } catch (error) {
        // Ctrl-C (or Ctrl-D) at the question is a "no": nothing changes, and the command says it was refused.
        if (error instanceof Error && error.name === "ExitPromptError") return false;
        throw error;
      }
    },
  };
}
