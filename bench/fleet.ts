// The fleet figures of `npm run bench`: `hpiam fleet diagnose` over 4 real slurmd nodes, next to one local
// `hpiam diagnose` and `srun -N 4 true` (the engine's own cost), and the rendering of a 2,000-node report.
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import type { FleetReport } from "../src/fleet/fleet";
import { summarize, toNodeReport } from "../src/fleet/fleet";
import { groupByCause } from "../src/fleet/model/group-nodes";
import { TASK_EXPORT } from "../src/fleet/slurm-engine";
import { renderFleet } from "../src/fleet/render-fleet";
import { plainStyle } from "../src/output/style";
import { HEALTHY_DIAGNOSE, OVERRIDDEN_DIAGNOSE } from "../test/support/fleet-documents";
import type { SimulatedNode } from "../test/support/simulated-node";
import { startSlurmCluster, type SlurmCluster } from "../test/support/slurm-cluster";
import { median } from "./measure";

const NODES = ["n1", "n2", "n3", "n4"];
const SRUN_FLAGS = ["-N", "4", "--ntasks-per-node=1", "--immediate=10", `--export=${TASK_EXPORT}`, "--label"];

export interface FleetSubject {
  name: string;
  argv: string[];
  env: Record<string, string>;
}

/** Four healthy slurmd nodes over the simulated node's AWS, each with a home of its own. */
export async function startBenchCluster(node: SimulatedNode): Promise<SlurmCluster> {
  const cluster = await startSlurmCluster(NODES);
  try {
    for (const name of NODES) {
      const home = join(node.sandbox.root, "homes", name);
      await mkdir(home, { recursive: true });
      await cluster.setNodeEnv(name, { ...node.env, HOME: home });
    }
    return cluster;
  } catch (error) {
    await cluster.stop();
    throw error;
  }
}

export function fleetSubjects(hpiam: string[], node: SimulatedNode, cluster: SlurmCluster): FleetSubject[] {
  const head = { ...cluster.env, LANG: "C.UTF-8" };
  return [
    { name: "hpiam fleet diagnose (4 slurmd nodes)", argv: [...hpiam, "fleet", "diagnose"], env: head },
    { name: "hpiam diagnose (one node, local)", argv: [...hpiam, "diagnose"], env: node.env },
    // The same four diagnoses through srun without fleet: what fleet adds (its start, scontrol, the report).
    {
      name: "srun -N 4 hpiam diagnose --json",
      argv: ["srun", ...SRUN_FLAGS, ...hpiam, "diagnose", "--json"],
      env: head,
    },
    {
      name: "srun -N 4 true",
      argv: ["srun", ...SRUN_FLAGS, "true"],
      env: head,
    },
  ];
}

/** Grouping and rendering the report of 2,000 nodes' documents (generated): median ms of `runs`. */
export function renderLargeReport(runs: number): number {
  const answers = Array.from({ length: 2000 }, (_, i) => ({
    name: `worker-${i + 1}`,
    document: JSON.parse(JSON.stringify(i % 50 === 3 ? OVERRIDDEN_DIAGNOSE : HEALTHY_DIAGNOSE)) as unknown,
  }));
  const style = plainStyle;
  const times: number[] = [];
  for (let round = 0; round < runs; round++) {
    const started = process.hrtime.bigint();
    const nodes = answers.map((answer) => toNodeReport(answer.name, "IDLE", answer));
    const report: FleetReport = {
      schemaVersion: 1,
      command: "whoami",
      engine: { name: "slurm", command: [], commands: [[]] },
      nodes,
      groups: groupByCause(nodes),
      summary: summarize(nodes, new Map(answers.map((answer) => [answer.name, answer]))),
    };
    renderFleet(report, style);
    JSON.stringify(report);
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  return median(times);
}

/** The nodes run in parallel: fleet wall time ≤ one local diagnose + 1.5 × what srun itself costs. */
export function fleetTarget(rows: ReadonlyArray<{ name: string; medianMs?: number }>) {
  const at = (name: string) => rows.find((row) => row.name === name)?.medianMs;
  const fleet = at("hpiam fleet diagnose (4 slurmd nodes)");
  const local = at("hpiam diagnose (one node, local)");
  const srun = at("srun -N 4 true");
  const value = fleet !== undefined && local !== undefined && srun ? (fleet - local) / srun : undefined;
  return {
    ratio: "(fleet diagnose − local diagnose) / srun -N 4 true",
    target: 1.5,
    value,
    met: value === undefined ? undefined : value <= 1.5,
  };
}
