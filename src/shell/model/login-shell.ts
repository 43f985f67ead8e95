import { pamSettings } from "./pam-environment";
import {
  CREDENTIAL_VARIABLES,
  isWatchedVariable,
  type StartupExport,
  type UndecidedForm,
} from "./shell-exports";
import { runHooks } from "./shell-hooks";
import { Exited, ShellReader, type StartupFiles } from "./shell-reader";
import type { ExportedVariable } from "./shell-state";
import { type Reading, startState } from "./login-environment";
import type { Dialect } from "./shell-words";

/** Which shell the user logs in with (the user database's shell field); `unknown`: both are read. */
export type LoginShell = "bash" | "zsh" | "unknown";

/** A login shell path as the user database gives it: bash (and sh, which reads ~/.profile), or zsh. */
export function loginShellOf(path: string | undefined): LoginShell {
  const name = path?.slice(path.lastIndexOf("/") + 1);
  if (name === "zsh") return "zsh";
  if (name === "bash" || name === "sh" || name === "dash" || name === "rbash") return "bash";
  return "unknown";
}

/** A file pam_env reads, and its format (README: Shell startup files). */
export interface PamFile {
  path: string;
  text: string;
  format: "env" | "conf";
}

/** What a new shell of the user would export, and what hpiam cannot decide about it. */
export interface ShellStartup {
  exports: StartupExport[];
  undecided: UndecidedForm[];
  /** Other variables the shells export (names only): a removal must leave them as they were. */
  otherExports: string[];
  /** Each shell's environment: bash as a login shell, bash as a terminal, zsh (those the user's shell runs). */
  shells: NewShellVariables[];
}

/**
 * The watched variables one new shell has in its environment: a profile's or a file's name as read (undefined
 * where the reading cannot know it), keys only as KEY_SET (never their value).
 */
export type NewShellVariables = Record<string, string | undefined>;
export const KEY_SET = "(set)";

/**
 * The watched variables a new shell of the user whose home this is would export, with the statements
 * responsible. Each shell starts with what PAM's pam_env puts in the environment (`pam`), then reads:
 * - bash as an interactive login shell (`bash -li`, an ssh or SSM login): /etc/profile (and what it sources:
 *   /etc/bash.bashrc, /etc/profile.d/*.sh on Debian and Ubuntu), then the first of ~/.bash_profile,
 *   ~/.bash_login, ~/.profile (Ubuntu's sources ~/.bashrc, which sources ~/.bash_aliases);
 * - bash as an interactive shell that is not a login (`bash -i`, a terminal in tmux): /etc/bash.bashrc, ~/.bashrc,
 *   starting with what the login shell exported;
 * - zsh, for a zsh user: /etc/zsh/zshenv, $ZDOTDIR/.zshenv, /etc/zsh/zprofile, $ZDOTDIR/.zprofile,
 *   /etc/zsh/zshrc, $ZDOTDIR/.zshrc, /etc/zsh/zlogin, $ZDOTDIR/.zlogin (ZDOTDIR is the home unless one of them
 *   sets it);
 * and then runs what runs before the first prompt (PROMPT_COMMAND, zsh's precmd hooks) and traps.
 */
export async function readLoginShell(
  files: StartupFiles,
  home: string,
  { shell, pam }: { shell: LoginShell; pam: readonly PamFile[] },
): Promise<ShellStartup> {
  const read = async (kind: Reading, inherited?: ReadonlySet<string>): Promise<ShellReader> => {
    const dialect: Dialect = kind === "zsh-login" ? "zsh" : "bash";
    const reader = new ShellReader(files, startState(home, kind, inherited), isWatchedVariable);
    applyPam(reader, pam);
    try {
      await (kind === "zsh-login" ? readZsh(reader, home) : readBash(reader, home, kind === "bash-login"));
      await runHooks(reader, dialect);
    } catch (signal) {
      if (!(signal instanceof Exited)) throw signal;
    }
    return reader;
  };
  const readers: ShellReader[] = [];
  if (shell !== "zsh") {
    // A terminal that is not a login (tmux's) starts with what the login shell exported.
    const login = await read("bash-login");
    const exported = login.state.exported((name) => !isWatchedVariable(name)).map(({ name }) => name);
    readers.push(login, await read("bash-terminal", new Set(exported)));
  }
  if (shell !== "bash") readers.push(await read("zsh-login"));
  const found = new Map<string, StartupExport>();
  for (const reader of readers) {
    for (const { name, certain, origins } of reader.state.exported(isWatchedVariable)) {
      for (const origin of origins) {
        const key = `${origin.path}:${origin.line}:${name}:${JSON.stringify(origin.removal)}`;
        const seen = found.get(key);
        const credential = CREDENTIAL_VARIABLES.includes(name);
        found.set(key, {
          ...origin,
          variable: name,
          credential,
          certain: certain || (seen?.certain ?? false),
        });
      }
    }
  }
  const undecided = new Map(
    readers
      .flatMap((reader) => reader.undecided)
      .map((form) => [`${form.path}:${form.line}:${form.why}`, form]),
  );
  const others = readers.flatMap((reader) =>
    reader.state.exported((name) => !isWatchedVariable(name)).map((variable) => variable.name),
  );
  return {
    exports: [...found.values()],
    shells: readers.map((reader) => shellVariables(reader.state.exported(isWatchedVariable))),
    undecided: [...undecided.values()],
    otherExports: [...new Set(others)].sort(),
  };
}

/** What readLoginShell finds where no file sets a watched variable: each shell the user's runs, with none. */
export function unexportedShells(shell: LoginShell): NewShellVariables[] {
  return [...(shell !== "zsh" ? [{}, {}] : []), ...(shell !== "bash" ? [{}] : [])];
}

function shellVariables(exported: readonly ExportedVariable[]): NewShellVariables {
  return Object.fromEntries(
    exported.map(({ name, value }) => [
      name,
      CREDENTIAL_VARIABLES.includes(name) ? (value === "" ? "" : KEY_SET) : value,
    ]),
  );
}

/** PAM's variables, set before the shell starts: each is removed by deleting its lines. */
function applyPam(reader: ShellReader, pam: readonly PamFile[]): void {
  for (const { path, text, format } of pam) {
    for (const { name, value, line, to } of pamSettings(text, format)) {
      const origin = { path, line, removal: { kind: "lines" as const, from: line, to } };
      reader.state.assign(name, value, true, { exportIt: true, origin });
    }
  }
}

/** bash as a login shell (`login`) or as a terminal that is not one. */
async function readBash(reader: ShellReader, home: string, login: boolean): Promise<void> {
  const [system, own] = login
    ? [["/etc/profile"], [".bash_profile", ".bash_login", ".profile"]]
    : [["/etc/bash.bashrc"], [".bashrc"]];
  for (const path of system) await reader.source(path, true, "bash");
  for (const name of own) {
    // The first of them that exists (a login); ~/.bashrc (a terminal).
    if ((await reader.files.probe(`${home}/${name}`)) === undefined) continue;
    await reader.source(`${home}/${name}`, true, "bash");
    break;
  }
}

/** zsh's files in its order, its own ones from $ZDOTDIR as it stands before each; NO_RCS and NO_GLOBAL_RCS stop them. */
async function readZsh(reader: ShellReader, home: string): Promise<void> {
  for (const name of ["zshenv", "zprofile", "zshrc", "zlogin"]) {
    const { rcs, globalRcs } = reader.zshOptions;
    if (rcs === "no") return;
    const certain = rcs === "yes" && (name === "zshenv" || globalRcs === "yes");
    if (name === "zshenv" || globalRcs !== "no") await reader.source(`/etc/zsh/${name}`, certain, "zsh");
    if (reader.zshOptions.rcs === "no") return;
    const dir = zdotdir(reader, home);
    if (dir === undefined) return;
    await reader.source(`${dir}/.${name}`, reader.zshOptions.rcs === "yes", "zsh");
  }
}

/** Where zsh reads the user's files from: $ZDOTDIR, else the home. */
function zdotdir(reader: ShellReader, home: string): string | undefined {
  const { state } = reader;
  if (state.isSet("ZDOTDIR") === "no") return home;
  const dir = state.value("ZDOTDIR");
  if (dir !== undefined && state.isSet("ZDOTDIR") === "yes") return dir === "" ? home : dir;
  const origin = state.lastOrigin("ZDOTDIR") ?? { path: home, line: 1 };
  reader.undecideAt(
    origin,
    "sets ZDOTDIR, where zsh reads the user's startup files, to a value hpiam cannot know",
  );
  return undefined;
}
