import type { Context, PasswdEntry } from "../context";
import { shellWord } from "../shell/model/shell-words";
import { printable, quoted } from "../output/printable";
import { partialEnumeration, passwdSources } from "./model/user-enumeration";
import { UsageError } from "../errors";

export interface UserHome {
  user: string;
  uid: number;
  home: string;
  /** Its login shell, where the user database was read for it (which startup files a new shell reads). */
  shell?: string;
}

const userHome = (entry: PasswdEntry): UserHome => ({
  user: entry.name,
  uid: entry.uid,
  home: entry.home,
  shell: entry.shell,
});

/**
 * Why a name cannot be an account name, or undefined when it is worth looking up. Directory-service names as
 * SSSD serves them (`alice@corp.example.com`, spaces, non-ASCII letters) pass; path tricks, option-like
 * names and all-digit names (`getent passwd 0` answers with uid 0) do not.
 */
export function userNameProblem(name: string): string | undefined {
  if (name === "") return "it is empty";
  if (name === "." || name === "..") return "it is a directory name";
  if (name.includes("/")) return "it contains /";
  if (/[\p{Cc}\p{Zl}\p{Zp}]/u.test(name)) return "it contains control characters";
  if (name.startsWith("-")) return "it starts with -";
  if (/^\d+$/.test(name)) return "it is all digits, which getent takes for a uid";
  return undefined;
}

/** The user database's entry for exactly this name: never one it matched some other way (case, a uid, an alias). */
async function lookUpExactly(ctx: Context, name: string): Promise<PasswdEntry | undefined> {
  if (userNameProblem(name) !== undefined) return undefined;
  const entry = await ctx.user.lookup(name);
  return entry?.name === name ? entry : undefined;
}

/**
 * The user whose files a command is about: `SUDO_USER` under sudo (as the HyperPod workshop's `sudo rm -rf ~/.aws`
 * means), else us.
 */
export async function invokingUserHome(ctx: Context): Promise<UserHome> {
  if (ctx.user.sudoUser) {
    const entry = await lookUpExactly(ctx, ctx.user.sudoUser);
    if (entry) return userHome(entry);
  }
  return { user: ctx.user.name, uid: ctx.user.uid, home: ctx.user.home };
}

/** `--user NAME`, from the user database; a name that cannot be an account name is refused before the lookup. */
export async function namedUserHome(ctx: Context, name: string): Promise<UserHome> {
  const problem = userNameProblem(name);
  if (problem !== undefined) {
    throw new UsageError(
      `--user: ${quoted(name)} is not a user name (${problem})`,
      "Give an account name as `getent passwd` lists it, such as ubuntu.",
    );
  }
  const entry = await ctx.user.lookup(name);
  if (!entry) {
    throw new UsageError(
      `--user: no user ${quoted(name)} on this node`,
      "See `getent passwd` for the users.",
    );
  }
  if (entry.name !== name) {
    throw new UsageError(
      `--user: the user database calls ${quoted(name)} ${quoted(entry.name)}`,
      `Run again with --user ${shellWord(printable(entry.name))}.`,
    );
  }
  return userHome(entry);
}

export interface HomeList {
  homes: UserHome[];
  /** Why the user database may not have listed every user (SSSD without enumeration); undefined when it did. */
  unlisted?: string;
}

/**
 * Homes of root and of human accounts (uid ≥ 1000), each home once even when users share it, and whether the list
 * can be complete. A user database that fails or hangs throws (CannotRunError): never taken for "no users".
 */
export async function allUserHomes(ctx: Context): Promise<HomeList> {
  const [entries, unlisted] = await Promise.all([ctx.user.all(), whyUnlisted(ctx)]);
  const seen = new Set<string>();
  const homes: UserHome[] = [];
  for (const entry of entries) {
    if (entry.uid !== 0 && entry.uid < 1000) continue;
    if (entry.home === "/" || entry.home === "/nonexistent" || seen.has(entry.home)) continue;
    if (!(await ctx.files.stat(entry.home).catch(() => undefined))) continue;
    seen.add(entry.home);
    homes.push(userHome(entry));
  }
  return { homes, ...(unlisted ? { unlisted } : {}) };
}

const SSSD_CONF = "/etc/sssd/sssd.conf";
const SSSD_SNIPPETS = "/etc/sssd/conf.d";

async function whyUnlisted(ctx: Context): Promise<string | undefined> {
  const read = (path: string) => ctx.files.readText(path).catch(() => "");
  const sources = passwdSources((await read("/etc/nsswitch.conf")) || "passwd: files");
  if (!sources.includes("sss")) return undefined;
  const snippets = await ctx.files.readdir(SSSD_SNIPPETS).catch(() => [] as string[]);
  const configs = await Promise.all([
    read(SSSD_CONF),
    ...snippets.filter((name) => name.endsWith(".conf")).map((name) => read(`${SSSD_SNIPPETS}/${name}`)),
  ]);
  return partialEnumeration(sources, configs);
}
