import { join } from "node:path";
import type { Context } from "../context";
import { REBOOT_DUE_NAME } from "../domain/backup-names";
import { formatRebootDue, judgeRebootDue, type RebootDueState } from "../domain/reboot-due";

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

/**
 * After a run (under its locks): `due` remembers the reboot still owed in this boot (an earlier run's memory of
 * it stays as it is), `settled` (rebooted, or --undo put the old keys back) forgets it. Where there is no boot
 * id, nothing could tell when it passed: nothing is remembered. A memory that cannot be written costs only itself.
 */
export async function settleRebootDue(
  ctx: Context,
  homes: readonly string[],
  outcome: "due" | "settled",
): Promise<void> {
  const bootId = outcome === "due" ? await ctx.host.bootId() : undefined;
  for (const home of homes) {
    const path = rebootDuePath(home);
    if (bootId && (await readRebootDue(ctx, home)).state === "due") continue;
    const change = async () => {
      if ((await ctx.files.lstat(path))?.kind === "file") await ctx.files.remove(path);
      if (!bootId) return;
      const due = { host: ctx.host.hostname, bootId, since: ctx.clock.now().toISOString() };
      await ctx.files.createExclusive(path, formatRebootDue(due), 0o600);
    };
    await change().catch((error: unknown) => ctx.log.debug(`${path}: ${String(error)}`));
  }
}
