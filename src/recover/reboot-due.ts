import type { Context } from "../context";
import { formatRebootDue } from "./model/reboot-due";
import { readRebootDue, rebootDuePath } from "./recover-traces";
import { homeOwner } from "./home-owner";

/**
 * After a run (under its locks): `due` remembers the reboot still owed in this boot (an earlier run's memory of
 * it stays as it is), `settled` (rebooted, or --undo put the old keys back) forgets it. Where there is no boot
 * id, nothing could tell when it passed: nothing is remembered. A memory that cannot be written costs only itself.
 * It is the home owner's (under sudo too), so that their own hpiam reads it.
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
      await ctx.files.createExclusive(path, formatRebootDue(due), 0o600, await homeOwner(ctx, home));
    };
    await change().catch((error: unknown) => ctx.log.debug(`${path}: ${String(error)}`));
  }
}
