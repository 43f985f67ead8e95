import type { Prompt } from "../context";

/** Asks only a person at a terminal; scripts (SSM Run Command, srun, pdsh) never see a prompt. */
export function createPrompt(): Prompt {
  const interactive = Boolean(process.stdin.isTTY && process.stderr.isTTY);
  return {
    interactive,
    async confirm(message, defaultAnswer) {
      if (!interactive) return false;
      const { default: confirm } = await import("@inquirer/confirm");
      return confirm({ message, default: defaultAnswer }, { output: process.stderr });
    },
  };
}
