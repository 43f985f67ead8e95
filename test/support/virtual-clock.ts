import { setImmediate as macrotask } from "node:timers/promises";
import type { PacingClock } from "../../src/fleet/model/session-pacing";

/**
 * A clock whose time moves only when everything waiting on it is asleep: `settle(work)` runs the promise to its
 * end, jumping to the next sleeper's wake-up time whenever nothing else can move. No real time passes.
 */
export interface VirtualClock extends PacingClock {
  settle<T>(work: Promise<T>): Promise<T>;
}

export function virtualClock(): VirtualClock {
  let now = 0;
  let order = 0;
  const sleepers: Array<{ at: number; order: number; wake: () => void }> = [];
  return {
    now: () => now,
    sleep: (ms) =>
      new Promise<void>((wake) => {
        sleepers.push({ at: now + Math.max(0, ms), order: order++, wake });
      }),
    async settle<T>(work: Promise<T>): Promise<T> {
      let finished = false;
      const result = work.finally(() => {
        finished = true;
      });
      for (;;) {
        // Let every promise chain run as far as it can before time moves.
        await macrotask();
        if (finished) return result;
        sleepers.sort((a, b) => a.at - b.at || a.order - b.order);
        const first = sleepers.shift();
        if (!first) return result;
        now = Math.max(now, first.at);
        first.wake();
      }
    },
  };
}
