import { execa } from "execa";
import { appendFile, copyFile, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { isWatchedVariable } from "../../src/shell/model/shell-exports";
import { inPrivateMounts } from "./private-mounts";

const UBUNTU = fileURLToPath(new URL("../fixtures/ubuntu/", import.meta.url));

/** The shells a user's login shell can be, as the user database names them. */
export const LOGIN_SHELLS = { bash: "/bin/bash", zsh: "/usr/bin/zsh" } as const;
export type ShellName = keyof typeof LOGIN_SHELLS;

/** A user's home and a machine's /etc as a fresh Ubuntu has them (/etc/skel's ~/.profile and ~/.bashrc). */
export interface LoginSandbox {
  root: string;
  home: string;
  /** Stands for /etc: hpiam reads it through HPIAM_ETC_DIR, the shells through bind mounts over /etc. */
  etc: string;
  /**
   * `~/x` and `/etc/x` name files in the sandbox; `append` adds to what is there. Each character of `content`
   * is one byte (Latin-1), so that a test can write bytes that are not UTF-8.
   */
  write(path: string, content: string, options?: { append?: boolean }): Promise<string>;
  /** A symbolic link at `path` to `target` (both `~/…` or `/etc/…`). */
  link(path: string, target: string): Promise<string>;
  cleanup(): Promise<void>;
}

/**
 * What Ubuntu puts in /etc for bash, zsh and PAM: /etc/profile, /etc/bash.bashrc, /etc/profile.d/, the zsh
 * package's /etc/zsh/, /etc/environment, and /etc/pam.d/su (pam_env with `readenv=1`, as `su` and `login` have it).
 */
export async function writeUbuntuEtc(etc: string): Promise<void> {
  await Promise.all(["profile.d", "zsh", "pam.d"].map((dir) => mkdir(join(etc, dir), { recursive: true })));
  const copies = [
    ["etc.profile", "profile"],
    ["etc.bash.bashrc", "bash.bashrc"],
    ["etc.pam.d.su", "pam.d/su"],
    ...["zshenv", "zprofile", "zshrc", "zlogin"].map((name) => [`etc.zsh.${name}`, `zsh/${name}`]),
  ];
  await Promise.all(copies.map(([from = "", to = ""]) => copyFile(join(UBUNTU, from), join(etc, to))));
  await writeFile(
    join(etc, "environment"),
    'PATH="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"\n',
  );
}

/** A new user's ~/.profile and ~/.bashrc, from Ubuntu's /etc/skel. */
export async function writeUbuntuSkel(home: string): Promise<void> {
  await copyFile(join(UBUNTU, "skel.profile"), join(home, ".profile"));
  await copyFile(join(UBUNTU, "skel.bashrc"), join(home, ".bashrc"));
}

export async function createLoginSandbox(): Promise<LoginSandbox> {
  const root = await mkdtemp(join(tmpdir(), "hpiam-login-"));
  const home = join(root, "home", "ubuntu");
  const etc = join(root, "etc");
  await mkdir(home, { recursive: true });
  await writeUbuntuSkel(home);
  await writeUbuntuEtc(etc);
  const where = (path: string) =>
    path.startsWith("~/")
      ? join(home, path.slice(2))
      : path.startsWith("/etc/")
        ? join(etc, path.slice(5))
        : path;
  return {
    root,
    home,
    etc,
    async write(path, content, { append = false } = {}) {
      const file = where(path);
      await mkdir(dirname(file), { recursive: true });
      const bytes = Buffer.from(content, "latin1");
      await (append ? appendFile(file, bytes) : writeFile(file, bytes));
      return file;
    },
    async link(path, target) {
      const file = where(path);
      await mkdir(dirname(file), { recursive: true });
      await rm(file, { force: true });
      await symlink(where(target), file);
      return file;
    },
    cleanup: () => rm(root, { recursive: true, force: true }),
  };
}

/** What the sandbox's /etc stands in for, where this machine has it too (a bind mount needs a target). */
const SANDBOX_ETC = [
  "profile",
  "bash.bashrc",
  "profile.d",
  "zsh",
  "environment",
  "pam.d/su",
  "security/pam_env.conf",
  "passwd",
  "shadow",
  "group",
];

/** argv that runs `argv` with the sandbox's files bind-mounted over this machine's /etc (root). */
export function withSandboxEtc(etc: string, argv: readonly string[]): [string, string[]] {
  if (process.getuid?.() !== 0)
    throw new Error("running a shell on the sandbox's /etc needs root (unshare --mount)");
  const mounts = SANDBOX_ETC.filter((item) => existsSync(join("/etc", item)))
    .map((item) => `if [ -e "$1/${item}" ]; then mount --bind "$1/${item}" /etc/${item} || exit 1; fi`)
    .join("; ");
  const [command = "unshare", ...args] = inPrivateMounts(`${mounts}; shift; exec "$@"`, "sh", etc, ...argv);
  return [command, args];
}

/** The user the new shells are started for; uid 0, so that any sandbox (mkdtemp's 0700 folders) is readable. */
const SHELL_USER = "hpiam-shell";

/** This machine's user database plus the sandbox's user (home: the sandbox's), for the namespace only. */
async function writeUserDatabase(sandbox: { home: string; etc: string }, shell: ShellName): Promise<void> {
  const add = async (name: string, line: string) => {
    const host = (await readFile(join("/etc", name), "utf8")).replace(/\n?$/, "\n");
    const own = host.split("\n").filter((entry) => !entry.startsWith(`${SHELL_USER}:`));
    await writeFile(join(sandbox.etc, name), `${own.join("\n").replace(/\n*$/, "\n")}${line}\n`);
  };
  await add("passwd", `${SHELL_USER}:x:0:0::${sandbox.home}:${LOGIN_SHELLS[shell]}`);
  await add("shadow", `${SHELL_USER}:*:19000:0:99999:7:::`);
  await add("group", `${SHELL_USER}:x:0:`);
}

/**
 * Every variable a new interactive shell of the sandbox's user really has, after a login as `su -l` makes one:
 * PAM first (pam_env reads /etc/environment, and ~/.pam_environment where `user_readenv=1`), then the shell
 * with its startup files; `env` is typed at its first prompt, so that PROMPT_COMMAND and zsh's precmd have
 * run. With `login: false`, a terminal that is not a login (`bash -i`, `zsh -i` in tmux).
 */
export async function newShellEnvironment(
  sandbox: { home: string; etc: string },
  shell: ShellName = "bash",
  { login = true }: { login?: boolean } = {},
): Promise<Map<string, string>> {
  await writeUserDatabase(sandbox, shell);
  const su = ["su", ...(login ? ["-l"] : []), "-s", LOGIN_SHELLS[shell], SHELL_USER, "--", "-i"];
  const run = await execa(...withSandboxEtc(sandbox.etc, ["env", "-i", "TERM=dumb", ...su]), {
    reject: false,
    input: "env\n",
    timeout: 20_000,
    cwd: sandbox.home,
  });
  if (run.exitCode !== 0 && !run.stdout.includes("\nHOME="))
    throw new Error(`${shell} ${su.join(" ")} failed (${run.exitCode}): ${run.stderr}`);
  const found = new Map<string, string>();
  for (const line of run.stdout.split("\n")) {
    const at = line.indexOf("=");
    if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(line.slice(0, at))) found.set(line.slice(0, at), line.slice(at + 1));
  }
  return found;
}

/**
 * What either kind of new interactive shell (a login, a terminal that is not one) exports: the watched AWS
 * names, which hpiam must name too, and every other variable as `NAME=value`, which a removal must leave alone.
 */
export async function newShells(
  sandbox: { home: string; etc: string },
  shell: ShellName = "bash",
): Promise<{ exports: string[]; others: string[] }> {
  // One after the other: each writes the namespace's user database.
  const login = await newShellEnvironment(sandbox, shell);
  const terminal = await newShellEnvironment(sandbox, shell, { login: false });
  const all = [...login, ...terminal];
  return {
    exports: [...new Set(all.map(([name]) => name))].filter(isWatchedVariable).sort(),
    others: [
      ...new Set(
        all.filter(([name]) => !isWatchedVariable(name) && name !== "_").map(([n, v]) => `${n}=${v}`),
      ),
    ].sort(),
  };
}

/** The watched AWS variables that either kind of new interactive shell exports. */
export async function shellExports(
  sandbox: { home: string; etc: string },
  shell: ShellName = "bash",
): Promise<string[]> {
  return (await newShells(sandbox, shell)).exports;
}

/** What bash's new shells export (a user whose login shell is bash). */
export const bashLoginExports = (sandbox: { home: string; etc: string }) => shellExports(sandbox, "bash");
