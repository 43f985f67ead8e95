import type { Context } from "../context";
import { describeFileFailure } from "../domain/file-errors";
import { formatLock } from "../domain/recovery/recover-lock";
import { lockPath, readLock } from "../scan/recover-traces";
import { CannotRunError } from "../errors";
import { shellWord } from "../domain/recovery/manual-fixes";
import { printable } from "../domain/printable";

/** Root denied is not helped by sudo: on a root-squashed NFS home only the owner may write. */
const rootDenied = (owner: string) =>
  `run it as the home's owner (sudo -u ${shellWord(printable(owner))} -H hpiam recover): root is nobody on a root-squashed NFS home`;

/**
 * Takes the lock (clearing a dead run's), saying where `~/.aws` is about to be renamed to; false when another
 * run holds it, or took it meanwhile.
 */
export async function takeLock(ctx: Context, home: string, owner: string, moving?: string): Promise<boolean> {
  const path = lockPath(home);
  const found = await readLock(ctx, home);
  if (found.state === "held") return false;
  const cannotWrite = (error: { code?: string }): never => {
    const failure = describeFileFailure(error.code);
    throw new CannotRunError(
      `cannot write ${path}: ${failure?.what ?? error.code ?? "error"}; recover needs to write in ${home}`,
      `To fix: ${ctx.user.uid === 0 && error.code === "EACCES" ? rootDenied(owner) : (failure?.todo ?? "make the home writable")}, then run hpiam recover again.`,
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
