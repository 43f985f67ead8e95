/**
 * A reboot recover needed and did not make (--no-reboot, declined, failed), remembered per boot: the node is
 * rebooted once its boot id differs. Kept in the home, beside the lock (`~/.aws.hpiam-reboot-due`).
 */
export interface RebootDue {
  host: string;
  bootId: string;
  /** ISO time of the run that moved the keys aside without rebooting. */
  since: string;
}

export type RebootDueState =
  | { state: "none" }
  /** This host, this boot: processes started before still hold the old keys. */
  | { state: "due"; since: string }
  /** Rebooted since, or written by another node sharing this home: nothing due here. */
  | { state: "past" };

export function formatRebootDue(due: RebootDue): string {
  return `${JSON.stringify(due)}\n`;
}

export function judgeRebootDue(text: string, here: { host: string; bootId?: string }): RebootDueState {
  let value: Partial<RebootDue>;
  try {
    value = JSON.parse(text) as Partial<RebootDue>;
  } catch {
    return { state: "past" };
  }
  const { host, bootId, since } = value;
  if (typeof host !== "string" || typeof bootId !== "string" || typeof since !== "string")
    return { state: "past" };
  if (Number.isNaN(Date.parse(since))) return { state: "past" };
  return host === here.host && bootId === here.bootId ? { state: "due", since } : { state: "past" };
}
