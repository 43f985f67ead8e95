// The SSM figures of `npm run bench`: the pacing schedule of 50 and 500 nodes on a virtual clock (StartSession's
// 3 a second), and the real wall time of `hpiam fleet whoami --cluster` over 20 stand-in nodes (sessions run here).
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { DEFAULT_CONCURRENCY, DEFAULT_RATE } from "../src/fleet/fleet-pacing";
import { mostStartsInASecond, paceOnVirtualClock } from "../test/support/pacing-schedule";
import { CLI } from "../test/support/cli";
import type { SimulatedNode } from "../test/support/simulated-node";
import { createClusters, createSsmStandIn, laptopEnv, workerTarget } from "../test/support/ssm-standin";
import { median } from "./measure";

const run = promisify(execFile);
/** What one node's session is taken to last on the virtual clock: the session's start and one whoami. */
const SESSION_MS = 4000;

export interface PacingFigure {
  nodes: number;
  rate: number;
  concurrency: number;
  /** When the last session started, and when the last one ended. */
  lastStartS: number;
  scheduleS: number;
  mostStartsInASecond: number;
  mostOpen: number;
}

export async function pacingFigures(): Promise<PacingFigure[]> {
  const figures: PacingFigure[] = [];
  for (const nodes of [50, 500]) {
    const pacing = { rate: DEFAULT_RATE, concurrency: DEFAULT_CONCURRENCY };
    const schedule = await paceOnVirtualClock(nodes, pacing, SESSION_MS);
    figures.push({
      nodes,
      ...pacing,
      lastStartS: Math.max(...schedule.starts) / 1000,
      scheduleS: schedule.end / 1000,
      mostStartsInASecond: mostStartsInASecond(schedule.starts),
      mostOpen: schedule.mostOpen,
    });
  }
  return figures;
}

export interface StandInFigure {
  name: string;
  runs: number;
  medianMs: number;
  exitCodes: number[];
}

/** `hpiam fleet whoami --cluster` over 20 healthy stand-in nodes, at the default rate and at 20 a second. */
export async function standInFigures(node: SimulatedNode, runs: number): Promise<StandInFigure[]> {
  const ids = (await createClusters(node, { "bench-cluster": 20 }))["bench-cluster"] ?? [];
  const standIn = await createSsmStandIn(node.sandbox.root);
  await standIn.configure({
    targets: Object.fromEntries(ids.map((id) => [workerTarget("bench-cluster", id), "healthy"])),
    nodeEnv: node.env,
    overriddenHome: node.sandbox.home,
  });
  const env = { ...node.env, ...laptopEnv(node, standIn) };
  const figures: StandInFigure[] = [];
  for (const rate of [String(DEFAULT_RATE), "20"]) {
    const argv = ["fleet", "whoami", "--cluster", "bench-cluster", "--hpiam", standIn.hpiam, "--rate", rate];
    const times: number[] = [];
    const exitCodes = new Set<number>();
    for (let i = 0; i < runs; i++) {
      const started = process.hrtime.bigint();
      const code = await run(process.execPath, [CLI, ...argv], { env }).then(
        () => 0,
        (error: { code?: number }) => error.code ?? -1,
      );
      times.push(Number(process.hrtime.bigint() - started) / 1e6);
      exitCodes.add(code);
    }
    figures.push({
      name: `hpiam fleet whoami --cluster (20 stand-in nodes, --rate ${rate})`,
      runs,
      medianMs: median(times),
      exitCodes: [...exitCodes],
    });
  }
  return figures;
}

export function ssmLines(pacing: readonly PacingFigure[], standIn: readonly StandInFigure[]): string {
  return [
    ...pacing.map(
      (f) =>
        `SSM pacing, ${f.nodes} nodes at ${f.rate}/s (≤ ${f.concurrency} open, ${SESSION_MS / 1000} s sessions): last start ${f.lastStartS.toFixed(1)} s, done ${f.scheduleS.toFixed(1)} s; at most ${f.mostStartsInASecond} starts in a second, ${f.mostOpen} open`,
    ),
    ...standIn.map((f) => `${f.name}: ${(f.medianMs / 1000).toFixed(2)} s median of ${f.runs}`),
  ].join("\n");
}
