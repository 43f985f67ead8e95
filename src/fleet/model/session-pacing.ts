/**
 * Starts SSM sessions at a bounded pace: StartSession is rate-limited per account (about 3 a second), so a
 * cluster of hundreds of nodes is started in a paced queue, at most `concurrency` sessions open at once.
 */

/** Time as the pacing sees it: real (Date.now, setTimeout) or a fake clock in tests and the bench. */
export interface PacingClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realClock: PacingClock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export interface Pacing {
  /** Session starts per second, at most. */
  rate: number;
  /** Sessions open at once, at most. */
  concurrency: number;
  /** Attempts of one node while SSM throttles (the first included). */
  attempts?: number;
  /** The first back-off; it doubles with every throttled attempt. */
  backoffMs?: number;
}

/** One attempt's outcome: done, or throttled (tried again after a back-off while attempts remain). */
export type Attempt<T> = { done: T } | { throttled: string };

export const DEFAULT_ATTEMPTS = 5;
export const DEFAULT_BACKOFF_MS = 1000;

/**
 * Runs `attempt` on every item, each start at least 1/rate s after the previous one (retries included), never
 * more than `concurrency` running; results in the items' order. `giveUp` turns the last throttle into a result.
 */
export async function paced<I, T>(
  items: readonly I[],
  pacing: Pacing,
  clock: PacingClock,
  attempt: (item: I) => Promise<Attempt<T>>,
  giveUp: (item: I, throttled: string) => T,
  onDone?: (done: number) => void,
): Promise<T[]> {
  // Whole milliseconds, rounded up: never a hair faster than the rate.
  const interval = Math.ceil(1000 / pacing.rate);
  const attempts = pacing.attempts ?? DEFAULT_ATTEMPTS;
  const backoff = pacing.backoffMs ?? DEFAULT_BACKOFF_MS;
  let nextSlot = -Infinity;
  let next = 0;
  let finished = 0;
  const results: T[] = new Array<T>(items.length);

  // The one shared start schedule: every start (a retry too) takes the next free slot.
  const waitForSlot = async () => {
    const now = clock.now();
    const slot = Math.max(now, nextSlot + interval);
    nextSlot = slot;
    if (slot > now) await clock.sleep(slot - now);
  };

  const runOne = async (item: I): Promise<T> => {
    let throttled = "";
    for (let tried = 0; tried < attempts; tried++) {
      if (tried > 0) await clock.sleep(backoff * 2 ** (tried - 1));
      await waitForSlot();
      const outcome = await attempt(item);
      if ("done" in outcome) return outcome.done;
      throttled = outcome.throttled;
    }
    return giveUp(item, throttled);
  };

  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await runOne(items[index] as I);
      onDone?.(++finished);
    }
  };
  const workers = Math.max(1, Math.min(pacing.concurrency, items.length));
  await Promise.all(Array.from({ length: workers }, worker));
  return results;
}
