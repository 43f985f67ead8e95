import { paced, type Pacing } from "../../src/fleet/model/session-pacing";
import { virtualClock } from "./virtual-clock";

export interface Schedule {
  /** When each attempt started, ms of virtual time. */
  starts: number[];
  /** The most sessions open at once. */
  mostOpen: number;
  results: string[];
  /** When the last session ended, ms of virtual time. */
  end: number;
}

/** Sessions of `sessionMs` each, paced on a virtual clock; `throttle` says how often SSM throttles a node first. */
export async function paceOnVirtualClock(
  nodes: number,
  pacing: Pacing,
  sessionMs: number,
  throttle = new Map<number, number>(),
): Promise<Schedule> {
  const clock = virtualClock();
  const starts: number[] = [];
  let open = 0;
  let mostOpen = 0;
  const results = await clock.settle(
    paced<number, string>(
      Array.from({ length: nodes }, (_, i) => i),
      pacing,
      clock,
      async (node) => {
        starts.push(clock.now());
        const left = throttle.get(node) ?? 0;
        if (left > 0) {
          throttle.set(node, left - 1);
          return { throttled: "ThrottlingException: Rate exceeded" };
        }
        open++;
        mostOpen = Math.max(mostOpen, open);
        await clock.sleep(sessionMs);
        open--;
        return { done: `node ${node} answered` };
      },
      (node, said) => `node ${node} gave up: ${said}`,
    ),
  );
  return { starts, mostOpen, results, end: clock.now() };
}

/** The most starts in any window of one second. */
export function mostStartsInASecond(starts: readonly number[]): number {
  const sorted = [...starts].sort((a, b) => a - b);
  let most = 0;
  for (let i = 0, j = 0; j < sorted.length; j++) {
    while ((sorted[j] ?? 0) - (sorted[i] ?? 0) >= 1000) i++;
    most = Math.max(most, j - i + 1);
  }
  return most;
}
