import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { REGION } from "./aws-world";
import { freePort, useStarted } from "./processes";
import { type CliResult, runHpiam } from "./cli";
import { type SimulatedNode, startSimulatedNode } from "./simulated-node";
import { type SlurmCluster, startSlurmCluster } from "./slurm-cluster";

/**
 * Five Slurm nodes over one simulated AWS (moto, the IMDS fake): n1 healthy; n2 and n3 share a home on
 * Lustre where `aws configure` was run; n4 cannot reach IMDS (no credentials); n5 is down. Each node has its own
 * user database: root's home is the node's HOME (above), ubuntu's a home of that node's own (`ubuntuHomes`).
 */
export interface SlurmFleet {
  cluster: SlurmCluster;
  node: SimulatedNode;
  homes: Record<string, string>;
  /** Each node's ubuntu home, as its `getent passwd` says (empty: no keys). */
  ubuntuHomes: Record<string, string>;
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
    const ubuntuHomes = Object.fromEntries(FLEET_NODES.map((name) => [name, join(root, "ubuntu", name)]));
    const userBins = await nodeUserDatabases(node, homes, ubuntuHomes);
    const mounts = join(root, "mounts-fsx");
    await writeFile(mounts, `/dev/root / ext4 rw 0 0\nfsx@tcp:/fsx ${join(root, "fsx")} lustre rw 0 0\n`);
    const noImds = `http://127.0.0.1:${await freePort()}`;
    for (const name of FLEET_NODES) {
      await cluster.setNodeEnv(name, {
        ...node.env,
        PATH: `${userBins[name] ?? ""}:${node.sandbox.binDir}:${cluster.env.PATH}`,
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
      ubuntuHomes,
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

/**
 * A `getent` per node, first on its PATH: the sandbox's, reading that node's own passwd (root at the node's HOME,
 * ubuntu at a home of its own), so that --all-users looks at that node's homes. Returns each node's bin folder.
 */
async function nodeUserDatabases(
  node: SimulatedNode,
  homes: Record<string, string>,
  ubuntuHomes: Record<string, string>,
): Promise<Record<string, string>> {
  const shared = join(node.sandbox.root, "passwd");
  const getent = await readFile(join(node.sandbox.binDir, "getent"), "utf8");
  const bins: Record<string, string> = {};
  for (const name of FLEET_NODES) {
    const bin = join(node.sandbox.root, "node-bin", name);
    await mkdir(ubuntuHomes[name] ?? "", { recursive: true });
    await mkdir(bin, { recursive: true });
    const passwd = join(bin, "passwd");
    await writeFile(
      passwd,
      `root:x:0:0:root:${homes[name]}:/bin/bash\nubuntu:x:1000:1000::${ubuntuHomes[name]}:/bin/bash\n`,
    );
    await writeFile(join(bin, "getent"), getent.split(shared).join(passwd), { mode: 0o755 });
    bins[name] = bin;
  }
  return bins;
}

/** `aws configure set` with the leaked key, in another HOME than the sandbox's. */
export async function configureIn(node: SimulatedNode, home: string): Promise<void> {
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
