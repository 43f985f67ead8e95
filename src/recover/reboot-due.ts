import type { Context } from "../context";
import { formatRebootDue } from "./model/reboot-due";
import { readRebootDue, rebootDuePath } from "./recover-traces";
import { homeOwner } from "./home-owner";
import { homeMount } from "../node/home-mount";

/**
 * After a run (under its locks): `due` remembers the reboot still owed (this node's earlier memory of one in this
 * boot stays as it is); `settled` (rebooted, or nothing moved) forgets it in a local home only: in a shared home
 * other nodes that mount it may still owe theirs, and each finds it settled once it has booted since; `undone`
 * (--undo put the old keys back) forgets it everywhere. Where there is no boot id, nothing could tell when it
 * passed: nothing is remembered. A memory that cannot be written costs only itself. It is the home owner's
 * (under sudo too), so that their own hpiam reads it.
 */
export async function settleRebootDue(
  ctx: Context,
  homes: readonly string[],
  outcome: "due" | "settled" | "undone",
): Promise<void> {
  const bootId = outcome === "due" ? await ctx.host.bootId() : undefined;
  for (const home of homes) {
    const path = rebootDuePath(home);
    const found = await readRebootDue(ctx, home);
    if (bootId && found.state === "due" && found.host === ctx.host.hostname) continue;
    if (outcome === "settled" && found.state !== "none" && (await onSharedFilesystem(ctx, home))) continue;
    const change = async () => {
      if ((await ctx.files.lstat(path))?.kind === "file") await ctx.files.remove(path);
      if (!bootId) return;
      const due = { host: ctx.host.hostname, bootId, since: ctx.clock.now().toISOString() };
      await ctx.files.createExclusive(path, formatRebootDue(due), 0o600, await homeOwner(ctx, home));
    };
    await change().catch((error: unknown) => ctx.log.debug(`${path}: ${String(error)}`));
  }
}

async function onSharedFilesystem(ctx: Context, home: string): Promise<boolean> {
  const at = await homeMount(ctx, home);
  return at.found && at.shared;
}
