import { basename, join } from "node:path";
import { DELETING_PREFIX } from "./backup-names";
import type { HomeSurvey } from "./recovery-survey";

/** What a recover that stopped early (killed, or failed after moving `~/.aws`) left a home in, and what is due. */
export interface EarlierRun {
  /** The run's note: finishing it, or only clearing its lock. */
  note: string;
  /** Where it moved `~/.aws`, when this run finishes it (verify; reboot if `rebootDue`). */
  moved?: string;
  /** The backup it made, when it moved `~/.aws` aside rather than deleting it. */
  backup?: string;
  /** It stopped in this boot: the reboot it was going to ask for has not happened. */
  rebootDue: boolean;
}

/**
 * From a stale lock: the earlier run got as far as the rename when `~/.aws` is gone (and `affected` is false)
 * and what the lock says it renamed to is a backup, or being deleted, next to it. A lock naming any other
 * place is not one of ours.
 */
export function earlierRun(home: HomeSurvey, affected: boolean): EarlierRun | undefined {
  if (home.lock.state !== "stale") return undefined;
  const { holder, resume } = home.lock;
  const moving = holder?.moving;
  const moved = moving && join(home.home, basename(moving)) === moving ? moving : undefined;
  const backup = home.backups.find((candidate) => candidate.path === moved);
  const resumed =
    !affected &&
    home.awsDir.kind === "absent" &&
    resume !== "no" &&
    moved !== undefined &&
    (backup !== undefined || basename(moved).startsWith(DELETING_PREFIX));
  if (!resumed) {
    const who = holder ? ` (pid ${holder.pid}, ${holder.startedAt})` : "";
    return { note: `a recover that stopped early left a lock${who}; it is cleared`, rebootDue: false };
  }
  return {
    note: `finishing a recover that stopped early (pid ${holder?.pid}, ${holder?.startedAt}): it had moved ${home.awsDir.path} to ${moved}`,
    moved,
    ...(backup ? { backup: backup.path } : {}),
    rebootDue: resume === "same-boot",
  };
}
