import { dirname, join } from "node:path";
import type { Context } from "../context";
import { placeHostEntry } from "./model/ssh-config";
import { CannotRunError, UsageError } from "../errors";
import { resolvesOutside } from "../node/outside-home";

export interface SshConfigWrite {
  path: string;
  host: string;
  change: "added" | "updated" | "unchanged";
  /** The copy of the file as it was, when it existed and changed. */
  backup: string | null;
}

/**
 * Adds or updates hpiam's `Host` entry in the user's ~/.ssh/config: a backup of the old file first, then the
 * new one written next to it and renamed over it, so ssh never reads half a file. A second run with the
 * same entry changes nothing.
 */
export async function writeSshHostEntry(ctx: Context, host: string, entry: string): Promise<SshConfigWrite> {
  const dir = join(ctx.user.home, ".ssh");
  const path = join(dir, "config");
  const info = await ctx.files.stat(path);
  const current = info ? await readConfig(ctx, path) : "";
  const edit = placeHostEntry(current, host, entry);
  if (edit.change === "conflict") {
    throw new UsageError(
      `${path} already has a \`Host ${host}\` entry (line ${edit.line}) that hpiam did not write`,
      "Remove it, or name hpiam's entry differently: --ssh-config OTHER-NAME.",
      "ssh-config-conflict",
    );
  }
  if (edit.change === "unchanged") return { path, host, change: "unchanged", backup: null };
  await refuseOutsideHome(ctx, info ? path : dir);

  const stamp = ctx.clock
    .now()
    .toISOString()
    .replace(/[-:]|\.\d+/g, "");
  try {
    if (!(await ctx.files.stat(dir))) await ctx.files.mkdir(dir, 0o700);
    // A config that is a symlink (dotfile managers) keeps being one: write where it points.
    const target = info ? await ctx.files.realpath(path) : path;
    const backup = info ? await backUp(ctx, `${target}.hpiam-backup-${stamp}`, current, info.mode) : null;
    const temporary = join(dirname(target), `.config.hpiam-${stamp}-${Math.random().toString(36).slice(2)}`);
    await ctx.files.writeText(temporary, edit.text, 0o600);
    await ctx.files.rename(temporary, target).catch(async (error: unknown) => {
      await ctx.files.remove(temporary);
      throw error;
    });
    return { path, host, change: edit.change, backup };
  } catch (error) {
    throw new CannotRunError(
      `cannot write ${path}: ${(error as { code?: string }).code ?? (error as Error).message}`,
      `Check the permissions of ${dir}; the config itself is unchanged.`,
      "ssh-config-unwritable",
    );
  }
}

/** More runs than any person makes in a second: past it, something else is taking the names. */
const MAX_BACKUPS_A_SECOND = 100;

/**
 * The old file, with its mode, under a name no other backup has (created exclusively): a second run in the
 * same second (of another Host) must not write its copy over the pristine one.
 */
async function backUp(ctx: Context, name: string, content: string, mode: number): Promise<string> {
  for (let n = 1; n <= MAX_BACKUPS_A_SECOND; n++) {
    const backup = n === 1 ? name : `${name}-${n}`;
    if (await ctx.files.createExclusive(backup, content, 0o600)) {
      await ctx.files.chmod(backup, mode & 0o777);
      return backup;
    }
  }
  throw new Error(`${name} and ${MAX_BACKUPS_A_SECOND - 1} more names like it are taken`);
}

async function readConfig(ctx: Context, path: string): Promise<string> {
  try {
    return await ctx.files.readText(path, { maxBytes: 1024 * 1024 });
  } catch (error) {
    throw new CannotRunError(
      `cannot read ${path} (${(error as { code?: string }).code ?? "EIO"})`,
      "Check that it is a regular file you can read.",
      "ssh-config-unreadable",
    );
  }
}

/**
 * hpiam changes nothing outside the home (README, Security): a config (or ~/.ssh) that links out of it, to a
 * shared or another user's file, is refused rather than rewritten there.
 */
async function refuseOutsideHome(ctx: Context, path: string): Promise<void> {
  if (!(await ctx.files.lstat(path)) || !(await resolvesOutside(ctx, path, ctx.user.home))) return;
  const target = await ctx.files.realpath(path).catch(() => "a path that does not exist");
  throw new UsageError(
    `${path} leads outside your home (to ${target}): hpiam writes only inside it`,
    `Add the Host entry to ${target} yourself, or make ${path} a file of your own, then run again.`,
    "ssh-config-outside-home",
  );
}
