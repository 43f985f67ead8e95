/**
 * A reboot recover needed and did not make (--no-reboot, declined, failed, or fleet's reboot refused),
 * remembered in the home, beside the lock (`~/.aws.hpiam-reboot-due`). The node that wrote it owes its reboot
 * until its boot id differs; a home on a shared filesystem is read by other nodes too, and each of them owes one
 * until it has booted after the keys moved.
 */
export interface RebootDue {
  host: string;
  bootId: string;
  /** ISO time of the run that moved the keys aside without rebooting. */
  since: string;
}

export type RebootDueState =
  | { state: "none" }
  /** Processes started before `since` still hold the old keys here; `host` wrote it. */
  | { state: "due"; since: string; host: string }
  /** Rebooted since (or unreadable): nothing due here. */
  | { state: "past"; host?: string };

export interface ThisBoot {
  host: string;
  bootId?: string;
  bootTime?: Date;
}

export function formatRebootDue(due: RebootDue): string {
  return `${JSON.stringify(due)}\n`;
}

export function judgeRebootDue(text: string, here: ThisBoot): RebootDueState {
  let value: Partial<RebootDue>;
  try {
    value = JSON.parse(text) as Partial<RebootDue>;
  } catch {
    return { state: "past" };
  }
  const { host, bootId, since } = value;
  if (typeof host !== "string" || typeof bootId !== "string" || typeof since !== "string")
    return { state: "past" };
  const moved = Date.parse(since);
  if (Number.isNaN(moved)) return { state: "past" };
  // Its writer knows its own boot; another node mounting the home owes a reboot if it booted before the move.
  const due =
    host === here.host
      ? bootId === here.bootId
      : here.bootTime !== undefined && here.bootTime.getTime() < moved;
  return due ? { state: "due", since, host } : { state: "past", host };
}
