import type { Context } from "../context";
import { UsageError } from "../errors";

export interface UserHome {
  user: string;
  uid: number;
  home: string;
}

/** POSIX-ish account names: what `useradd` accepts. Rules out `/`, `..`, spaces and other path tricks. */
export function isPlainUserName(name: string): boolean {
  return /^[a-z_][a-z0-9_.-]{0,31}\$?$/i.test(name) && !name.includes("..");
}

/** The user whose files a command is about: `SUDO_USER` under sudo (as the seed's `sudo rm -rf ~/.aws` means), else us. */
export async function invokingUserHome(ctx: Context): Promise<UserHome> {
  if (ctx.user.sudoUser && isPlainUserName(ctx.user.sudoUser)) {
    const entry = await ctx.user.lookup(ctx.user.sudoUser);
    if (entry) return { user: entry.name, uid: entry.uid, home: entry.home };
  }
  return { user: ctx.user.name, uid: ctx.user.uid, home: ctx.user.home };
}

/** `--user NAME`, from the user database; a name that is not a plain account name is refused. */
export async function namedUserHome(ctx: Context, name: string): Promise<UserHome> {
  if (!isPlainUserName(name)) {
    throw new UsageError(`--user: "${name}" is not a user name`, "Give an account name such as ubuntu.");
  }
  const entry = await ctx.user.lookup(name);
  if (!entry)
    throw new UsageError(`--user: no user "${name}" on this node`, "See `getent passwd` for the users.");
  return { user: entry.name, uid: entry.uid, home: entry.home };
}

/** Homes of root and of human accounts (uid ≥ 1000), each home once even when users share it. */
export async function allUserHomes(ctx: Context): Promise<UserHome[]> {
  const entries = await ctx.user.all();
  const seen = new Set<string>();
  const homes: UserHome[] = [];
  for (const entry of entries) {
    if (entry.uid !== 0 && entry.uid < 1000) continue;
    if (entry.home === "/" || entry.home === "/nonexistent" || seen.has(entry.home)) continue;
    if (!(await ctx.files.stat(entry.home).catch(() => undefined))) continue;
    seen.add(entry.home);
    homes.push({ user: entry.name, uid: entry.uid, home: entry.home });
  }
  return homes;
}
