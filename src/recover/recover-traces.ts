/**
 * A reboot a recover still owes, as it leaves it in a home for the next run and for diagnose. Read here;
 * written only by src/recover/ (which also keeps the lock: src/recover/lock.ts).
 */
import { join } from "node:path";
import type { Context } from "../context";
import { REBOOT_DUE_NAME } from "./model/backup-names";
import { judgeRebootDue, type RebootDueState } from "./model/reboot-due";

/**
 * Beside the lock rather than inside it: the lock means "a run works here" and is judged by its pid, while this
 * outlives every run until the node reboots. Beside the backup neither: `~/.aws` may be absent, or a link.
 */
export function rebootDuePath(home: string): string {
  return join(home, REBOOT_DUE_NAME);
}

/**
 * Whether a recover left this home's keys moved aside without a reboot that this node has made since: one in
 * this boot on this host, or one on another node sharing the home after this node booted.
 */
export async function readRebootDue(ctx: Context, home: string): Promise<RebootDueState> {
  const path = rebootDuePath(home);
  const info = await ctx.files.lstat(path).catch(() => undefined);
  if (info?.kind !== "file") return { state: "none" };
  const [text, bootId, bootTime] = await Promise.all([
    ctx.files.readText(path, { maxBytes: 4096 }).catch(() => ""),
    ctx.host.bootId(),
    ctx.host.bootTime(),
  ]);
  return judgeRebootDue(text, {
    host: ctx.host.hostname,
    ...(bootId ? { bootId } : {}),
    ...(bootTime ? { bootTime } : {}),
  });
}
