import { describe, expect, it } from "vitest";
import { mostStartsInASecond, paceOnVirtualClock as schedule } from "../support/pacing-schedule";

describe("the pacing of SSM sessions", () => {
  it("starts 500 nodes at 3 a second in about 167 s, never faster, never more open than allowed", async () => {
    const run = await schedule(500, { rate: 3, concurrency: 20 }, 4000);
    expect(run.results).toHaveLength(500);
    expect(run.results[499]).toBe("node 499 answered");
    expect(run.end / 1000).toBeGreaterThan(166);
    expect(run.end / 1000).toBeLessThan(172);
    expect(mostStartsInASecond(run.starts)).toBeLessThanOrEqual(3);
    expect(run.mostOpen).toBeLessThanOrEqual(20);
  });

  it("waits for a free session when the concurrency, not the rate, is the limit", async () => {
    const run = await schedule(12, { rate: 50, concurrency: 3 }, 10_000);
    expect(run.mostOpen).toBe(3);
    // Four rounds of three sessions of 10 s each.
    expect(run.end).toBeGreaterThanOrEqual(40_000);
    expect(run.end).toBeLessThan(41_000);
  });

  it("backs off and tries a throttled node again, and gives up after the last attempt with why", async () => {
    const throttle = new Map([
      [1, 2],
      [2, 99],
    ]);
    const run = await schedule(4, { rate: 3, concurrency: 4, attempts: 4, backoffMs: 1000 }, 100, throttle);
    expect(run.results).toEqual([
      "node 0 answered",
      "node 1 answered",
      "node 2 gave up: ThrottlingException: Rate exceeded",
      "node 3 answered",
    ]);
    // Node 1 answers at its third attempt; node 2 is tried four times, after 1 s, 2 s and 4 s of back-off.
    expect(run.starts).toHaveLength(1 + 3 + 4 + 1);
    expect(mostStartsInASecond(run.starts)).toBeLessThanOrEqual(3);
    expect(run.end).toBeGreaterThanOrEqual(7000);
  });
});
