import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { REGION } from "./aws-world";
import { freePort, useStarted } from "./processes";
import { type CliResult, runHpiam } from "./cli";
import { type SimulatedNode, startSimulatedNode } from "./simulated-node";
import { type SlurmCluster, startSlurmCluster } from "./slurm-cluster";

/**
 * Five Slurm nodes over one simulated AWS (moto, the IMDS fake): n1 healthy; n2 and n3 share a home on
 * Lustre where `aws configure` was run; n4 cannot reach IMDS (no credentials); n5 is down.
 */
export interface SlurmFleet {
  cluster: SlurmCluster;
  node: SimulatedNode;
  homes: Record<string, string>;
  /** Runs `hpiam fleet …` on the "head node": this machine, with the Slurm clients and nothing of AWS. */
  fleet(args: string[], extraEnv?: Record<string, string>): Promise<CliResult>;
  stop(): Promise<void>;
}

export const FLEET_NODES = ["n1", "n2", "n3", "n4", "n5"];

export async function startSlurmFleet(): Promise<SlurmFleet> {
  const node = await startSimulatedNode();
  let cluster: SlurmCluster | undefined;
  try {
    cluster = await startSlurmCluster(FLEET_NODES);
    const root = node.sandbox.root;
    const shared = join(root, "fsx", "home", "ubuntu");
    const homes: Record<string, string> = {
      n1: join(root, "homes", "n1"),
      n2: shared,
      n3: shared,
      n4: join(root, "homes", "n4"),
      n5: join(root, "homes", "n5"),
    };
    for (const home of new Set(Object.values(homes))) await mkdir(home, { recursive: true });
    const mounts = join(root, "mounts-fsx");
    await writeFile(mounts, `/dev/root / ext4 rw 0 0\nfsx@tcp:/fsx ${join(root, "fsx")} lustre rw 0 0\n`);
    const noImds = `http://127.0.0.1:${await freePort()}`;
    for (const name of FLEET_NODES) {
      await cluster.setNodeEnv(name, {
        ...node.env,
        PATH: `${node.sandbox.binDir}:${cluster.env.PATH}`,
        HOME: homes[name] ?? "",
        AWS_EC2_METADATA_SERVICE_ENDPOINT: name === "n4" ? noImds : node.imds.endpoint,
        ...(name === "n2" || name === "n3" ? { HPIAM_PROC_MOUNTS: mounts } : {}),
      });
    }
    // The accident, on the shared home, with the real AWS CLI.
    await configureIn(node, shared);
    await cluster.client(["scontrol", "update", "nodename=n5", "state=down", "reason=disk failure"]);
    const ready = cluster;
    return {
      cluster: ready,
      node,
      homes,
      fleet: (args, extraEnv = {}) =>
        runHpiam(["fleet", ...args], { ...ready.env, NO_COLOR: "1", LANG: "C.UTF-8", ...extraEnv }),
      async stop() {
        await ready.stop();
        await node.stop();
      },
    };
  } catch (error) {
    await cluster?.stop();
    await node.stop();
    throw error;
  }
}

/** `aws configure set` with the leaked key, in another HOME than the sandbox's. */
async function configureIn(node: SimulatedNode, home: string): Promise<void> {
  for (const [key, value] of [
    ["aws_access_key_id", node.world.leakedKey.accessKeyId],
    ["aws_secret_access_key", node.world.leakedKey.secretAccessKey],
    ["region", REGION],
  ] as const) {
    const result = await node.aws(["configure", "set", key, value], { HOME: home });
    if (result.exitCode !== 0) throw new Error(`aws configure set ${key} failed: ${result.stderr}`);
  }
}

/** The fleet of one `describe`, started before its tests and stopped after them (also on failure). */
export function useSlurmFleet(): SlurmFleet {
  return useStarted("the Slurm fleet", startSlurmFleet, 120_000);
}
