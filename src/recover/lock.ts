/**
 * One recover at a time on a home, and everything about it: the lock `<home>/.aws.hpiam-lock`, who holds it,
 * whether that run still lives, how a run takes it (waiting briefly for another), takes over one a dead run
 * left, records in it where `~/.aws` goes, and gives it back.
 *
 * - A run takes it before it looks at the home and gives it back when it ends: it plans from what the run
 *   before it left, never from what it saw before that one moved `~/.aws`. Of runs started together one moves
 *   the keys and the others, in turn, find nothing to do; backup names are chosen under the lock.
 * - It is a symlink whose target is the holder (`{"pid":…,"host":…}`), as Emacs's lock files are: symlink(2)
 *   makes it whole or not at all, so no run ever reads one half written, and nothing is read through it.
 * - A run never removes a lock it does not hold: one a dead run left is taken over. The taker writes its own
 *   as `<lock>.next` (created exclusively: one taker at a time), checks that the lock still reads as it judged
 *   it, and renames `.next` over it. The holder records where `~/.aws` goes the same way.
 */
import type { Context, FileOwner } from "../context";
import { describeFileFailure } from "../output/file-errors";
import { printable } from "../output/printable";
import { shellWord } from "../shell/model/shell-words";
import { CannotRunError } from "../errors";
import { homeOwner } from "./home-owner";
import {
  formatLock,
  type Here,
  judgeLock,
  type LockHolder,
  lockPath,
  type LockState,
  parseLock,
} from "./model/lock-state";

/** A run waits about this many looks, 200 ms apart on average, for another: a recover holds a home for seconds. */
const LOOKS = 60;
const PAUSE_MS = 200;

/** Whether a recover holds this home now, or one that died left its lock behind (diagnose, --dry-run). */
export async function readLock(ctx: Context, home: string): Promise<LockState> {
  const text = await lockText(ctx, lockPath(home));
  if (text === undefined) return { state: "free" };
  return judgeLock(parseLock(text), await hereOf(ctx), ctx.clock.now());
}

/** What a run found at a home's lock. */
export type LockTaken =
  /** It holds it now; `before`: none was there, or the one a dead run left, now taken over. */
  | { state: "ours"; before: Exclude<LockState, { state: "held" }> }
  /** Another run still held it after the wait. */
  | { state: "held"; holder: LockHolder }
  /** The home takes no lock file (read-only, full, root-squashed): what to do about it. */
  | { state: "refused"; error: CannotRunError };

/** The locks of the homes a run changes, from before it looks at them until it ends. */
export interface HomeLocks {
  taken(home: string): LockTaken | undefined;
  /** The lock as a plan sees it: the one a dead run left, another run's, or none. */
  stateOf(home: string): LockState | undefined;
  /** Says in the lock where `~/.aws` goes, before it goes; false when another run took it over meanwhile. */
  recordMove(home: string, moving: string): Promise<boolean>;
  /** Left for the next run to finish from (a run that failed once `~/.aws` had moved). */
  keep(home: string): void;
  /** Gives back every lock still this run's, but those kept. */
  releaseAll(): Promise<void>;
}

/** Takes each home's lock in turn, waiting (about 12 s in all) for another run that holds one. */
export async function lockHomes(
  ctx: Context,
  homes: ReadonlyArray<{ user: string; home: string }>,
): Promise<HomeLocks> {
  const here = await hereOf(ctx);
  const budget = { looks: LOOKS };
  const taken = new Map<string, LockTaken>();
  /** The text of each lock this run holds, as it wrote it. */
  const ours = new Map<string, string>();
  const owners = new Map<string, FileOwner | undefined>();
  const kept = new Set<string>();
  for (const { user, home } of homes) {
    if (taken.has(home)) continue;
    const owner = await homeOwner(ctx, home);
    owners.set(home, owner);
    const { outcome, text } = await takeLock(ctx, { user, home, owner }, here, budget);
    taken.set(home, outcome);
    if (text !== undefined) ours.set(home, text);
  }
  return {
    taken: (home) => taken.get(home),
    stateOf(home) {
      const found = taken.get(home);
      if (found?.state === "ours") return found.before;
      return found?.state === "held" ? found : undefined;
    },
    async recordMove(home, moving) {
      const current = ours.get(home);
      const holder = current === undefined ? undefined : parseLock(current);
      if (current === undefined || !holder) return false;
      const text = formatLock({ ...holder, moving });
      const path = lockPath(home);
      for (let look = 0; look < 10; look++) {
        const replaced = await replaceLock(ctx, { home, owner: owners.get(home) }, current, text, here).catch(
          (error: unknown) => {
            throw cannotWrite(ctx, path, home, userOf(homes, home), error);
          },
        );
        if (replaced) {
          ours.set(home, text);
          return true;
        }
        if ((await lockText(ctx, path)) !== current) return false;
        await ctx.host.pause(PAUSE_MS);
      }
      return false;
    },
    keep: (home) => kept.add(home),
    async releaseAll() {
      for (const [home, text] of ours) {
        if (kept.has(home)) continue;
        ours.delete(home);
        // Only a lock that still reads as this run wrote it: one taken over meanwhile is another run's now.
        if ((await lockText(ctx, lockPath(home))) === text) {
          await ctx.files.remove(lockPath(home)).catch(() => undefined);
        }
      }
    },
  };
}

async function takeLock(
  ctx: Context,
  target: { user: string; home: string; owner: FileOwner | undefined },
  here: Here,
  budget: { looks: number },
): Promise<{ outcome: LockTaken; text?: string }> {
  const path = lockPath(target.home);
  let holder: LockHolder | undefined;
  try {
    for (;;) {
      const mine = formatLock({
        pid: ctx.host.pid,
        host: here.host,
        ...(here.bootId ? { bootId: here.bootId } : {}),
        startedAt: ctx.clock.now().toISOString(),
      });
      if (await ctx.files.createSymlink(mine, path, target.owner)) {
        return { outcome: { state: "ours", before: { state: "free" } }, text: mine };
      }
      const text = await lockText(ctx, path);
      if (text !== undefined) {
        const found = judgeLock(parseLock(text), here, ctx.clock.now());
        if (found.state === "held") holder = found.holder;
        else if (await replaceLock(ctx, target, text, mine, here)) {
          return { outcome: { state: "ours", before: found }, text: mine };
        }
      }
      if (budget.looks-- <= 0) break;
      await ctx.host.pause(PAUSE_MS * (0.5 + Math.random()));
    }
  } catch (error) {
    return { outcome: { state: "refused", error: cannotWrite(ctx, path, target.home, target.user, error) } };
  }
  return holder
    ? { outcome: { state: "held", holder } }
    : {
        outcome: {
          state: "refused",
          error: new CannotRunError(
            `${path} kept changing while recover waited for it`,
            "Look for other hpiam recover runs on this home (on any node that mounts it), then run it again.",
            "lock-busy",
          ),
        },
      };
}

/**
 * Puts `text` in the lock's place, provided it still reads `expected`: false when it changed meanwhile, or
 * another run is replacing it at this moment.
 */
async function replaceLock(
  ctx: Context,
  { home, owner }: { home: string; owner: FileOwner | undefined },
  expected: string,
  text: string,
  here: Here,
): Promise<boolean> {
  const path = lockPath(home);
  const next = `${path}.next`;
  if (!(await ctx.files.createSymlink(text, next, owner))) {
    // Another run is taking the lock over; or one was killed while it did, and left its `.next`. Removing that
    // can go wrong only when a second run is killed within the same instant: not worth a lock of its own.
    const left = await lockText(ctx, next);
    if (left !== undefined && judgeLock(parseLock(left), here, ctx.clock.now()).state === "stale") {
      await ctx.files.remove(next);
    }
    return false;
  }
  let replaced = false;
  try {
    if ((await lockText(ctx, path)) !== expected) return false;
    // A folder (no lock hpiam writes) cannot be renamed over: it goes, and the run takes the lock anew.
    if ((await ctx.files.lstat(path))?.kind === "directory") {
      await ctx.files.remove(path);
      return false;
    }
    await ctx.files.rename(next, path);
    replaced = true;
    return true;
  } finally {
    if (!replaced) await ctx.files.remove(next).catch(() => undefined);
  }
}

/** The lock's text; undefined when there is none. A lock file holding the same text (a person's copy) reads the same. */
async function lockText(ctx: Context, path: string): Promise<string | undefined> {
  const info = await ctx.files.lstat(path).catch(() => undefined);
  const gone = (error: { code?: string }) => (error.code === "ENOENT" ? undefined : "");
  if (!info) return undefined;
  if (info.kind === "symlink") return ctx.files.readlink(path).catch(gone);
  if (info.kind === "file") return ctx.files.readText(path, { maxBytes: 4096 }).catch(gone);
  return "";
}

async function hereOf(ctx: Context): Promise<Here> {
  const bootId = await ctx.host.bootId();
  return { host: ctx.host.hostname, ...(bootId ? { bootId } : {}), alive: (pid) => ctx.host.alive(pid) };
}

function userOf(homes: ReadonlyArray<{ user: string; home: string }>, home: string): string {
  return homes.find((candidate) => candidate.home === home)?.user ?? "";
}

/** Root denied is not helped by sudo: on a root-squashed NFS home only the owner may write. */
const rootDenied = (owner: string) =>
  `run it as the home's owner (sudo -u ${shellWord(printable(owner))} -H hpiam recover): root is nobody on a root-squashed NFS home`;

function cannotWrite(
  ctx: Context,
  path: string,
  home: string,
  owner: string,
  error: unknown,
): CannotRunError {
  const code = (error as { code?: string }).code;
  const failure = describeFileFailure(code);
  return new CannotRunError(
    `cannot write ${path}: ${failure?.what ?? code ?? "error"}; recover needs to write in ${home}`,
    `To fix: ${ctx.user.uid === 0 && code === "EACCES" ? rootDenied(owner) : (failure?.todo ?? "make the home writable")}, then run hpiam recover again.`,
    "lock-unwritable",
  );
}
