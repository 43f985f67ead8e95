import { execa } from "execa";
import { appendFile, copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { isWatchedVariable } from "../../src/shell/model/shell-exports";

const UBUNTU = fileURLToPath(new URL("../fixtures/ubuntu/", import.meta.url));

/** A user's home and a machine's /etc as a fresh Ubuntu has them (/etc/skel's ~/.profile and ~/.bashrc). */
export interface LoginSandbox {
  root: string;
  home: string;
  /** Stands for /etc: hpiam reads it through HPIAM_ETC_DIR, bash through bind mounts over /etc. */
  etc: string;
  /** `~/x` and `/etc/x` name files in the sandbox; `append` adds to what is there. */
  write(path: string, content: string, options?: { append?: boolean }): Promise<string>;
  cleanup(): Promise<void>;
}

/** What Ubuntu puts in /etc for bash and PAM: /etc/profile, /etc/bash.bashrc, /etc/profile.d/, /etc/environment. */
export async function writeUbuntuEtc(etc: string): Promise<void> {
  await mkdir(join(etc, "profile.d"), { recursive: true });
  await copyFile(join(UBUNTU, "etc.profile"), join(etc, "profile"));
  await copyFile(join(UBUNTU, "etc.bash.bashrc"), join(etc, "bash.bashrc"));
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
      await (append ? appendFile(file, content) : writeFile(file, content));
      return file;
    },
    cleanup: () => rm(root, { recursive: true, force: true }),
  };
}

/** argv that runs `argv` with the sandbox's files over /etc/profile, /etc/bash.bashrc, /etc/profile.d (root). */
export function withSandboxEtc(etc: string, argv: readonly string[]): [string, string[]] {
  if (process.getuid?.() !== 0)
    throw new Error("running bash on the sandbox's /etc needs root (unshare --mount)");
  const mount = [
    'mount --bind "$1/profile" /etc/profile',
    'mount --bind "$1/bash.bashrc" /etc/bash.bashrc',
    'mount --bind "$1/profile.d" /etc/profile.d',
    "shift",
    'exec "$@"',
  ].join(" && ");
  return ["unshare", ["--mount", "sh", "-c", mount, "sh", etc, ...argv]];
}

/**
 * The watched AWS variables that `env -i HOME=<home> bash -lic env` (a login) or `bash -ic env` (a terminal
 * that is not a login) really exports, with the sandbox's files bind-mounted
 * over /etc/profile, /etc/bash.bashrc and /etc/profile.d in a mount namespace of its own (root
 * only), so that this machine's /etc plays no part. /etc/environment is PAM's, not bash's: its `NAME=value`
 * lines go into the environment bash starts with, as pam_env puts them there at a login.
 */
export async function bashExports(
  sandbox: { home: string; etc: string },
  flags: "-lic" | "-ic",
): Promise<string[]> {
  const pam = (await readFile(join(sandbox.etc, "environment"), "utf8"))
    .split("\n")
    .filter((line) => /^[A-Za-z_][A-Za-z0-9_]*=/.test(line))
    .map((line) => line.replace(/^([^=]+)="(.*)"$/, "$1=$2"));
  const run = await execa(
    ...withSandboxEtc(sandbox.etc, ["env", "-i", `HOME=${sandbox.home}`, ...pam, "bash", flags, "env"]),
    { reject: false, stdin: "ignore", timeout: 20_000, cwd: sandbox.home },
  );
  if (run.exitCode !== 0) throw new Error(`bash ${flags} env failed (${run.exitCode}): ${run.stderr}`);
  return run.stdout
    .split("\n")
    .map((line) => /^([A-Za-z_][A-Za-z0-9_]*)=/.exec(line)?.[1] ?? "")
    .filter(isWatchedVariable)
    .sort();
}

/** What either kind of new interactive shell exports: hpiam's verdict must be the same. */
export async function bashLoginExports(sandbox: { home: string; etc: string }): Promise<string[]> {
  const [login, terminal] = await Promise.all([bashExports(sandbox, "-lic"), bashExports(sandbox, "-ic")]);
  return [...new Set([...login, ...terminal])].sort();
}
