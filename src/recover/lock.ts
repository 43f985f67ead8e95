import { join } from "node:path";
import type { Context } from "../context";
import { LOCK_NAME } from "../domain/backup-names";
import { describeFileFailure } from "../domain/file-errors";
import { formatLock, judgeLock, type LockState, parseLock } from "../domain/recover-lock";
import { CannotRunError } from "../errors";

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

/** Root denied is not helped by sudo: on a root-squashed NFS home only the owner may write. */
const ROOT_DENIED =
  "run it as the home's owner (sudo -u OWNER -H hpiam recover): root is nobody on a root-squashed NFS home";

/**
 * Takes the lock (clearing a dead run's), saying where `~/.aws` is about to be renamed to; false when another
 * run holds it, or took it meanwhile.
 */
export async function takeLock(ctx: Context, home: string, moving?: string): Promise<boolean> {
  const path = lockPath(home);
  const found = await readLock(ctx, home);
  if (found.state === "held") return false;
  const cannotWrite = (error: { code?: string }): never => {
    const failure = describeFileFailure(error.code);
    throw new CannotRunError(
      `cannot write ${path}: ${failure?.what ?? error.code ?? "error"}; recover needs to write in ${home}`,
      `To fix: ${ctx.user.uid === 0 && error.code === "EACCES" ? ROOT_DENIED : (failure?.todo ?? "make the home writable")}, then run hpiam recover again.`,
      "lock-unwritable",
    );
  };
  if (found.state === "stale") await ctx.files.remove(path).catch(cannotWrite);
  const bootId = await ctx.host.bootId();
  const created = ctx.files.createExclusive(
    path,
    formatLock({
      pid: ctx.host.pid,
      host: ctx.host.hostname,
      ...(bootId ? { bootId } : {}),
      startedAt: ctx.clock.now().toISOString(),
      ...(moving ? { moving } : {}),
    }),
    0o600,
  );
  return created.catch(cannotWrite);
}

export async function releaseLock(ctx: Context, home: string): Promise<void> {
  await ctx.files.remove(lockPath(home));
}

/** A dead run's lock, found when there is nothing else to do. */
export async function clearStaleLock(ctx: Context, home: string): Promise<void> {
  if (await takeLock(ctx, home)) await releaseLock(ctx, home);
}
