import { isWatchedVariable, CREDENTIAL_VARIABLES, type StartupExport } from "./shell-exports";
import { Exited, ShellReader, type StartupFiles } from "./shell-reader";
import { type ExportedVariable, ShellState } from "./shell-state";

/** What bash has before it reads a file, as an interactive login shell (`bash -li`). */
function loginState(home: string): ShellState {
  const known = { HOME: home, PS1: "\\s-\\v\\$ ", BASH: "/bin/bash", BASH_VERSION: "5", "-": "himBHs" };
  return new ShellState(known, isWatchedVariable);
}

/**
 * The watched variables one new shell has in its environment: a profile's or a file's name as read (undefined
 * where the reading cannot know it), keys only as KEY_SET (never their value).
 */
export type NewShellVariables = Record<string, string | undefined>;
export const KEY_SET = "(set)";

export interface StartupReading {
  /** Every statement that exports a watched variable, once, whichever shell reads it. */
  exports: StartupExport[];
  /** Each shell's environment: bash as a login shell, bash as a terminal, zsh. */
  shells: NewShellVariables[];
}

/**
 * The watched variables a new shell of the user whose home this is would export, with the statements
 * responsible. Each shell starts with what PAM puts in the environment from /etc/environment, then reads:
 * - bash as an interactive login shell (`bash -li`, an ssh or SSM login): /etc/profile (and what it sources:
 *   /etc/bash.bashrc, /etc/profile.d/*.sh on Debian and Ubuntu), then the first of ~/.bash_profile,
 *   ~/.bash_login, ~/.profile (Ubuntu's sources ~/.bashrc, which sources ~/.bash_aliases);
 * - bash as an interactive shell that is not a login (`bash -i`, a terminal in tmux): /etc/bash.bashrc, ~/.bashrc;
 * - zsh, for a zsh user: ~/.zshenv, ~/.zprofile, ~/.zshrc, ~/.zlogin, read with bash's grammar.
 */
export async function readLoginShell(
  files: StartupFiles,
  home: string,
  environment: { path: string; text: string } | undefined,
): Promise<StartupReading> {
  const readings = await Promise.all(
    [
      { system: ["/etc/profile"], own: [".bash_profile", ".bash_login", ".profile"], all: false },
      { system: ["/etc/bash.bashrc"], own: [".bashrc"], all: true },
      { system: [], own: [".zshenv", ".zprofile", ".zshrc", ".zlogin"], all: true },
    ].map(async ({ system, own, all }) => {
      const reader = new ShellReader(files, loginState(home), isWatchedVariable);
      for (const { name, value, line } of environment ? environmentAssignments(environment.text) : []) {
        const removal = { kind: "lines" as const, from: line, to: line };
        reader.state.assign(name, value, true, {
          exportIt: true,
          origin: { path: environment?.path ?? "", line, removal },
        });
      }
      await readFiles(reader, system, own, home, all);
      return reader.state.exported(isWatchedVariable);
    }),
  );
  const found = new Map<string, StartupExport>();
  for (const { name, certain, origins } of readings.flat()) {
    for (const origin of origins) {
      const key = `${origin.path}:${origin.line}:${name}:${JSON.stringify(origin.removal)}`;
      const seen = found.get(key);
      const credential = CREDENTIAL_VARIABLES.includes(name);
      found.set(key, { ...origin, variable: name, credential, certain: certain || (seen?.certain ?? false) });
    }
  }
  return { exports: [...found.values()], shells: readings.map(shellVariables) };
}

function shellVariables(exported: readonly ExportedVariable[]): NewShellVariables {
  return Object.fromEntries(
    exported.map(({ name, value }) => [
      name,
      CREDENTIAL_VARIABLES.includes(name) ? (value === "" ? "" : KEY_SET) : value,
    ]),
  );
}

/** `all`: every file that exists (zsh); else the first that exists (bash's ~/.bash_profile, …). */
async function readFiles(
  reader: ShellReader,
  system: readonly string[],
  own: readonly string[],
  home: string,
  all = false,
): Promise<void> {
  try {
    for (const path of system) await reader.source(path, true);
    for (const name of own) {
      const read = (await reader.files.probe(`${home}/${name}`)) !== undefined;
      if (read) await reader.source(`${home}/${name}`, true);
      if (read && !all) break;
    }
  } catch (signal) {
    if (!(signal instanceof Exited)) throw signal;
  }
}

/** /etc/environment as pam_env reads it: `NAME=value` lines (an `export ` before is allowed), no shell syntax. */
export function environmentAssignments(text: string): Array<{ name: string; value: string; line: number }> {
  return text.split("\n").flatMap((content, index) => {
    const match = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*?)\s*$/.exec(content);
    if (!match) return [];
    const [, name = "", raw = ""] = match;
    return [{ name, value: raw.replace(/^(["'])(.*)\1$/, "$2"), line: index + 1 }];
  });
}
