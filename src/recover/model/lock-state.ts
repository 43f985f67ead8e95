/**
 * Who holds a home's recover lock, and whether that run still lives: the lock's text and the judgement of it.
 * Taking, taking over and giving back the lock is src/recover/lock.ts.
 */
import { join } from "node:path";

export const LOCK_NAME = ".aws.hpiam-lock";

/** Who holds a home's lock: the lock's text. */
export interface LockHolder {
  pid: number;
  host: string;
  bootId?: string;
  /** ISO time the run took the lock. */
  startedAt: string;
  /** Where this run renames `~/.aws` to: a run that finds it there (and no `~/.aws`) finishes the job. */
  moving?: string;
}

export type LockState =
  | { state: "free" }
  | { state: "held"; holder: LockHolder }
  /**
   * Left by a run that died, or not a lock hpiam wrote (no holder: garbage, a link to a file, a folder).
   * `resume`: that run was on this machine, in this boot (a reboot is still due) or in an earlier one (the
   * reboot happened); `no` when it ran elsewhere or is unknown.
   */
  | { state: "stale"; holder?: LockHolder; resume: "same-boot" | "after-reboot" | "no" };

/** This machine, as a lock's holder is judged against it. */
export interface Here {
  host: string;
  bootId?: string;
  alive(pid: number): boolean;
}

/** A run on another node (a shared home) cannot be asked whether it lives; recover takes seconds. */
const OTHER_HOST_MS = 10 * 60_000;
/** Even a live pid this old is a reused one: nothing in recover waits that long but a forgotten prompt. */
const SAME_HOST_MS = 60 * 60_000;

export function lockPath(home: string): string {
  return join(home, LOCK_NAME);
}

export function formatLock(holder: LockHolder): string {
  return JSON.stringify(holder);
}

export function parseLock(text: string): LockHolder | undefined {
  try {
    const value = JSON.parse(text) as Partial<LockHolder>;
    if (!Number.isInteger(value.pid) || typeof value.host !== "string" || typeof value.startedAt !== "string")
      return undefined;
    if (Number.isNaN(Date.parse(value.startedAt))) return undefined;
    return {
      pid: value.pid as number,
      host: value.host,
      startedAt: value.startedAt,
      ...(typeof value.bootId === "string" ? { bootId: value.bootId } : {}),
      ...(typeof value.moving === "string" ? { moving: value.moving } : {}),
    };
  } catch {
    return undefined;
  }
}

/** Whether a lock found still belongs to a running recover: the decision, apart from reading it. */
export function judgeLock(
  holder: LockHolder | undefined,
  here: Here,
  now: Date,
): Exclude<LockState, { state: "free" }> {
  // No run writes a lock it cannot parse: symlink(2) leaves no half-written one to wait for.
  if (!holder) return { state: "stale", resume: "no" };
  const age = now.getTime() - Date.parse(holder.startedAt);
  if (holder.host !== here.host) {
    return age < OTHER_HOST_MS ? { state: "held", holder } : { state: "stale", holder, resume: "no" };
  }
  if (holder.bootId && here.bootId && holder.bootId !== here.bootId) {
    return { state: "stale", holder, resume: "after-reboot" };
  }
  return here.alive(holder.pid) && age < SAME_HOST_MS
    ? { state: "held", holder }
    : { state: "stale", holder, resume: "same-boot" };
}
