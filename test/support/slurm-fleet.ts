import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { REGION } from "./aws-world";
import { freePort, useStarted } from "./processes";
import { type CliResult, runHpiam } from "./cli";
import { type SimulatedNode, startSimulatedNode } from "./simulated-node";
import { type SlurmCluster, startSlurmCluster } from "./slurm-cluster";

/**
 * Five Slurm nodes over one simulated AWS (moto, the IMDS fake). Layout `fsx`: n1 healthy; n2 and n3 share a
 * home on Lustre where `aws configure` was run; n4 cannot reach IMDS (no credentials); n5 is down. Layout
 * `local`, HyperPod's own: every node's HOME is one path on its own disk (a bind in its mount namespace),
 * `aws configure` was run on n2, n3 and n4, n5 is drained; an FSx-like home (`fsx`) can be given to any node.
 * Each node has its own user database: root's home is the node's HOME, ubuntu's a home of that node's own
 * (`ubuntuHomes`).
 */
export interface SlurmFleet {
  cluster: SlurmCluster;
  node: SimulatedNode;
  /** Each node's HOME as this machine sees it (a local home: that node's own disk). */
  homes: Record<string, string>;
  /** The home on the Lustre-like filesystem every node mounts. */
  fsx: string;
  /** Each node's ubuntu home, as its `getent passwd` says (empty: no keys). */
  ubuntuHomes: Record<string, string>;
  /** Runs `hpiam fleet …` on the "head node": this machine, with the Slurm clients and nothing of AWS. */
  fleet(args: string[], extraEnv?: Record<string, string>): Promise<CliResult>;
  /** Gives a node the shared home (`fsx`) or its own again (`local`), from its next task on. */
  useHome(node: string, home: "fsx" | "local"): Promise<void>;
  /** `aws configure set` with the IAM user's key, in a home as this machine sees it. */
  configure(home: string): Promise<void>;
  stop(): Promise<void>;
}

export const FLEET_NODES = ["n1", "n2", "n3", "n4", "n5"];

export async function startSlurmFleet(layout: "fsx" | "local" = "fsx"): Promise<SlurmFleet> {
  const node = await startSimulatedNode();
  let cluster: SlurmCluster | undefined;
  try {
    const root = node.sandbox.root;
    const fsx = join(root, "fsx", "home", "ubuntu");
    // One path on every node, each node's own folder behind it.
    const localHome = join(root, "home", "ubuntu");
    const disk = (name: string) => join(root, "disks", name);
    const homes: Record<string, string> =
      layout === "local"
        ? Object.fromEntries(FLEET_NODES.map((name) => [name, join(disk(name), "ubuntu")]))
        : {
            n1: join(root, "homes", "n1"),
            n2: fsx,
            n3: fsx,
            n4: join(root, "homes", "n4"),
            n5: join(root, "homes", "n5"),
          };
    for (const home of new Set([...Object.values(homes), fsx, localHome]))
      await mkdir(home, { recursive: true });
    const binds = Object.fromEntries(
      FLEET_NODES.map((name) => [
        name,
        layout === "local" ? [{ from: disk(name), to: join(root, "home") }] : [],
      ]),
    );
    const ubuntuHomes = Object.fromEntries(FLEET_NODES.map((name) => [name, join(root, "ubuntu", name)]));
    const userBins = await nodeUserDatabases(node, ubuntuHomes);
    cluster = await startSlurmCluster(FLEET_NODES, binds);
    const mounts = join(root, "mounts-fsx");
    await writeFile(mounts, `/dev/root / ext4 rw 0 0\nfsx@tcp:/fsx ${join(root, "fsx")} lustre rw 0 0\n`);
    const noImds = `http://127.0.0.1:${await freePort()}`;
    const ready = cluster;
    const envOf = (name: string, home: "fsx" | "local") => ({
      ...node.env,
      PATH: `${userBins[name] ?? ""}:${node.sandbox.binDir}:${ready.env.PATH}`,
      HOME: home === "fsx" ? fsx : layout === "local" ? localHome : (homes[name] ?? ""),
      AWS_EC2_METADATA_SERVICE_ENDPOINT: layout === "fsx" && name === "n4" ? noImds : node.imds.endpoint,
      ...(home === "fsx" ? { HPIAM_PROC_MOUNTS: mounts } : {}),
    });
    // root's home in the node's user database follows its HOME, as on a node whose root home is there.
    const useHome = async (name: string, home: "fsx" | "local") => {
      const env = envOf(name, home);
      await writePasswd(userBins[name] ?? "", env.HOME, ubuntuHomes[name] ?? "");
      await ready.setNodeEnv(name, env);
    };
    const fsxNodes = layout === "fsx" ? ["n2", "n3"] : [];
    for (const name of FLEET_NODES) await useHome(name, fsxNodes.includes(name) ? "fsx" : "local");
    // The accident, with the real AWS CLI.
    const configured = layout === "fsx" ? [fsx] : ["n2", "n3", "n4"].map((name) => homes[name] ?? "");
    for (const home of configured) await configureIn(node, home);
    if (layout === "fsx")
      await ready.client(["scontrol", "update", "nodename=n5", "state=down", "reason=disk failure"]);
    else await ready.client(["scontrol", "update", "nodename=n5", "state=drain", "reason=maintenance"]);
    return {
      cluster: ready,
      node,
      homes,
      fsx,
      ubuntuHomes,
      fleet: (args, extraEnv = {}) =>
        runHpiam(["fleet", ...args], { ...ready.env, NO_COLOR: "1", LANG: "C.UTF-8", ...extraEnv }),
      useHome,
      configure: (home) => configureIn(node, home),
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

/** A `getent` of each node's own: its passwd file (written by writePasswd) instead of the sandbox's. */
async function nodeUserDatabases(
  node: SimulatedNode,
  ubuntuHomes: Record<string, string>,
): Promise<Record<string, string>> {
  const shared = join(node.sandbox.root, "passwd");
  const getent = await readFile(join(node.sandbox.binDir, "getent"), "utf8");
  const bins: Record<string, string> = {};
  for (const name of FLEET_NODES) {
    const bin = join(node.sandbox.root, "node-bin", name);
    await mkdir(ubuntuHomes[name] ?? "", { recursive: true });
    await mkdir(bin, { recursive: true });
    await writeFile(join(bin, "getent"), getent.split(shared).join(join(bin, "passwd")), { mode: 0o755 });
    bins[name] = bin;
  }
  return bins;
}

async function writePasswd(bin: string, rootHome: string, ubuntuHome: string): Promise<void> {
  await writeFile(
    join(bin, "passwd"),
    `root:x:0:0:root:${rootHome}:/bin/bash\nubuntu:x:1000:1000::${ubuntuHome}:/bin/bash\n`,
  );
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
export function useSlurmFleet(layout: "fsx" | "local" = "fsx"): SlurmFleet {
  return useStarted("the Slurm fleet", () => startSlurmFleet(layout), 120_000);
}
