import { embeddedRemoval } from "./export-removal";
import type { Frame, Hook, ShellReader } from "./shell-reader";
import type { Dialect } from "./shell-words";

/**
 * After the files, what runs before the first prompt and so before anything the user types: bash's
 * PROMPT_COMMAND, zsh's precmd and preexec hooks, and traps that may fire (DEBUG runs before each command).
 */
export async function runHooks(reader: ShellReader, dialect: Dialect): Promise<void> {
  const { state } = reader;
  const prompt = state.lastOrigin("PROMPT_COMMAND");
  if (dialect === "bash" && prompt) {
    const code = state.valueIfSet("PROMPT_COMMAND");
    const hook = { code, origin: prompt, certain: state.isSet("PROMPT_COMMAND") === "yes" };
    await runHook(reader, hook, dialect, "PROMPT_COMMAND");
  }
  for (const trap of reader.traps) await runHook(reader, trap, dialect, "a trap");
  if (dialect === "zsh") {
    for (const name of ["precmd", "preexec", ...reader.precmd]) {
      const called = reader.functions.get(name);
      if (!called) continue;
      const frame = { ...called.frame, mayHaveReturned: false };
      await reader.call(called, [], { frame, certain: called.certain });
    }
  }
}

/** A hook's text, run where it was set: its exports go with that statement, or by hand when it does more. */
async function runHook(reader: ShellReader, hook: Hook, dialect: Dialect, what: string): Promise<void> {
  const { code, origin } = hook;
  const frame: Frame = {
    path: origin.path,
    lines: [],
    dialect,
    inFunction: false,
    mayHaveReturned: false,
    aliases: reader.aliases,
    embedded: { line: origin.line, removal: origin.removal },
  };
  if (code === undefined) {
    reader.undecideAt(origin, `${what} runs text hpiam cannot know before each prompt`);
    return;
  }
  const root = reader.files.parse(code, dialect);
  frame.embedded = {
    line: origin.line,
    removal: embeddedRemoval(root, reader.watched, what, () => origin.removal),
  };
  await reader.runApart(root, { frame, certain: hook.certain });
}
