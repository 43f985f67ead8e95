import { dirname } from "node:path";
import type { Context } from "../context";
import { homeOwner } from "./home-owner";
import { modeRecordOf, parseModeRecord } from "./model/backup-names";

/**
 * The changes recover makes, each a rename(2) within the home (atomic: a crash leaves the old name or the new
 * one, never half) or the removal of what was renamed. None follows a symlink: a `~/.aws` link is moved or
 * removed as a link, and what it points to is never touched.
 */

/**
 * `~/.aws` → its backup, then owner-only (a directory only: chmod would follow a link). Its mode is recorded
 * beside the backup first, for --undo (the home owner's record, which their own hpiam reads under sudo too): a
 * disk that refuses the record refuses before anything moved.
 */
export async function moveAside(ctx: Context, from: string, to: string): Promise<void> {
  const before = await ctx.files.lstat(from);
  const record = modeRecordOf(to);
  const recorded =
    before?.kind === "directory" &&
    (await ctx.files.createExclusive(
      record,
      `0${(before.mode & 0o777).toString(8).padStart(3, "0")}\n`,
      0o600,
      await homeOwner(ctx, dirname(to)),
    ));
  await renameOnto(ctx, from, to).catch(async (error: unknown) => {
    if (recorded) await ctx.files.remove(record).catch(() => undefined);
    throw error;
  });
  await secureBackup(ctx, to).catch(partly(`moved to ${to}, but not made owner-only`));
}

export async function secureBackup(ctx: Context, path: string): Promise<void> {
  const info = await ctx.files.lstat(path);
  if (info?.kind === "directory") await ctx.files.chmodDirectory(path, 0o700);
}

/**
 * As the HyperPod workshop's `rm -rf ~/.aws`, but renamed first: the keys stop being read at once, even if
 * removal is cut short.
 */
export async function deleteAwsDir(ctx: Context, path: string, doomed: string): Promise<void> {
  await renameOnto(ctx, path, doomed);
  await ctx.files.remove(doomed).catch(partly(`moved to ${doomed}, but not removed`));
}

export async function finishDelete(ctx: Context, path: string): Promise<void> {
  await ctx.files.remove(path);
}

/** The backup back to `~/.aws`, the same bytes (a rename moves no data), with the mode it had before the move. */
export async function restore(ctx: Context, backup: string, to: string): Promise<void> {
  await renameOnto(ctx, backup, to);
  const record = modeRecordOf(backup);
  const info = await ctx.files.lstat(record);
  if (info?.kind !== "file") return;
  const mode = parseModeRecord(await ctx.files.readText(record, { maxBytes: 64 }).catch(() => ""));
  if (mode !== undefined && (await ctx.files.lstat(to))?.kind === "directory") {
    await ctx.files.chmodDirectory(to, mode).catch(partly(`put back at ${to}, but not given its mode again`));
  }
  await ctx.files.remove(record).catch(() => undefined);
}

/**
 * rename(2) replaces an empty directory silently: make sure nothing is at `to`. Also how `~/.boto` moves aside
 * and back: its mode stays as it was (a chmod by path could follow a link swapped in).
 */
export async function renameOnto(ctx: Context, from: string, to: string): Promise<void> {
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
