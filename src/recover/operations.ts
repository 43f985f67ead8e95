import type { Context } from "../context";

/**
 * The changes recover makes, each a rename(2) within the home (atomic: a crash leaves the old name or the new
 * one, never half) or the removal of what was renamed. None follows a symlink: a `~/.aws` link is moved or
 * removed as a link, and what it points to is never touched.
 */

/** `~/.aws` → its backup, then owner-only (a directory only: chmod would follow a link). */
export async function moveAside(ctx: Context, from: string, to: string): Promise<void> {
  await renameOnto(ctx, from, to);
  await secureBackup(ctx, to).catch(partly(`moved to ${to}, but not made owner-only`));
}

export async function secureBackup(ctx: Context, path: string): Promise<void> {
  const info = await ctx.files.lstat(path);
  if (info?.kind === "directory") await ctx.files.chmodDirectory(path, 0o700);
}

/** As the seed's `rm -rf ~/.aws`, but renamed first: the keys stop being read at once, even if removal is cut short. */
export async function deleteAwsDir(ctx: Context, path: string, doomed: string): Promise<void> {
  await renameOnto(ctx, path, doomed);
  await ctx.files.remove(doomed).catch(partly(`moved to ${doomed}, but not removed`));
}

export async function finishDelete(ctx: Context, path: string): Promise<void> {
  await ctx.files.remove(path);
}

/** The backup back to `~/.aws`, the same bytes (a rename moves no data). */
export async function restore(ctx: Context, backup: string, to: string): Promise<void> {
  await renameOnto(ctx, backup, to);
}

/** rename(2) replaces an empty directory silently: make sure nothing is at `to`. */
async function renameOnto(ctx: Context, from: string, to: string): Promise<void> {
  if (await ctx.files.lstat(to)) {
    throw Object.assign(new Error(`${to} already exists`), { code: "EEXIST" });
  }
  await ctx.files.rename(from, to);
}

/** An operation that failed after its rename went through says so: the next run starts from there. */
function partly(done: string) {
  return (error: unknown): never => {
    throw Object.assign(error as Error, { partly: done });
  };
}
