import type { Context, FileOwner } from "../context";

/**
 * Whose the files recover creates in a home are (its lock, the reboot still due, the mode record): under sudo
 * the home's owner's, not root's, so that the user's own hpiam reads them as root's does. Undefined when they
 * are this process's anyway.
 */
export async function homeOwner(ctx: Context, home: string): Promise<FileOwner | undefined> {
  if (ctx.user.uid !== 0) return undefined;
  const info = await ctx.files.stat(home).catch(() => undefined);
  return info && info.uid !== 0 ? { uid: info.uid, gid: info.gid } : undefined;
}
