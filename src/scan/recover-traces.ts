/**
 * What a recover leaves in a home for the next run and for diagnose: its lock, and a reboot it still owes.
 * Read here; written only by src/recover/.
 */
import { join } from "node:path";
import type { Context } from "../context";
import { LOCK_NAME, REBOOT_DUE_NAME } from "../domain/recovery/backup-names";
import { judgeLock, type LockState, parseLock } from "../domain/recovery/recover-lock";
import { judgeRebootDue, type RebootDueState } from "../domain/recovery/reboot-due";

/**
 * One lock per home, next to the `~/.aws` it guards (`<home>/.aws.hpiam-lock`): a shared home (FSx, NFS) is
 * guarded against runs on other nodes too, and a user needs no write access outside their home.
 */
export function lockPath(home: string): string {
  return join(home, LOCK_NAME);
}

/** Whether a recover holds this home now, or one that died left its lock behind. */
export async function readLock(ctx: Context, home: string): Promise<LockState> {
  const path = lockPath(home);
  const info = await ctx.files.lstat(path).catch(() => undefined);
  if (!info) return { state: "free" };
  const text = info.kind === "file" ? await ctx.files.readText(path, { maxBytes: 4096 }).catch(() => "") : "";
  const bootId = await ctx.host.bootId();
  return judgeLock(
    { holder: parseLock(text), ...(info.modifiedMs === undefined ? {} : { modifiedMs: info.modifiedMs }) },
    { host: ctx.host.hostname, ...(bootId ? { bootId } : {}), alive: (pid) => ctx.host.alive(pid) },
    ctx.clock.now(),
  );
}

/**
 * Beside the lock rather than inside it: the lock means "a run works here" and is judged by its pid, while this
 * outlives every run until the node reboots. Beside the backup neither: `~/.aws` may be absent, or a link.
 */
export function rebootDuePath(home: string): string {
  return join(home, REBOOT_DUE_NAME);
}

/** Whether a recover in this boot, on this host, left this home's keys moved aside without a reboot. */
export async function readRebootDue(ctx: Context, home: string): Promise<RebootDueState> {
  const path = rebootDuePath(home);
  const info = await ctx.files.lstat(path).catch(() => undefined);
  if (info?.kind !== "file") return { state: "none" };
  const [text, bootId] = await Promise.all([
    ctx.files.readText(path, { maxBytes: 4096 }).catch(() => ""),
    ctx.host.bootId(),
  ]);
  return judgeRebootDue(text, { host: ctx.host.hostname, ...(bootId ? { bootId } : {}) });
}
