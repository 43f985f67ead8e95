import { CreateClusterCommand, ListClusterNodesCommand, SageMakerClient } from "@aws-sdk/client-sagemaker";
import { chmod, mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { motoAdmin } from "./aws-world";
import { type FakeImds, startServer } from "./imds";
import { CLI } from "./cli";
import { inPrivateMounts } from "./private-mounts";
import type { SimulatedNode } from "./simulated-node";

/**
 * How one node answers a session: as a node would, or as SSM would refuse it. `canned`: with the document of
 * `canned` for that command, hpiam not run (a cheap node for tests of many).
 */
export type StandInState =
  "healthy" | "overridden" | "not-connected" | "denied" | "throttled" | "silent" | "canned";

export interface StandInConfig {
  /** Each SSM target's state; a target not listed is one SSM does not know. */
  targets: Record<string, StandInState>;
  /** The node's environment (the simulated node's: IMDS, moto, its sandbox HOME). */
  nodeEnv: Record<string, string>;
  /** The HOME of an overridden node: its ~/.aws holds the IAM user's key. */
  overriddenHome: string;
  /** A node of its own (its own sandbox: homes, passwd, stubs), by target, over nodeEnv. */
  envByTarget?: Record<string, Record<string, string>>;
  /**
   * What a `canned` node prints, by the words of hpiam's command line that pick it (`recover --dry-run`):
   * the first entry whose words are all in the command.
   */
  canned?: Record<string, string>;
  /**
   * Folders of a node's own disk mounted over paths every node has (its homes at one path, its boot id), by
   * target: its hpiam runs in a mount namespace of its own.
   */
  bindsByTarget?: Record<string, Array<{ from: string; to: string }>>;
}

export interface SsmStandIn {
  /** Put first on PATH: `aws` (ssm start-session only) and the node's hpiam. */
  binDir: string;
  /** hpiam as every stand-in node has it (`--hpiam`). */
  hpiam: string;
  configure(config: StandInConfig): Promise<void>;
  /** Every `aws` argv, in order. */
  sessions(): Promise<string[][]>;
}

// `aws ssm start-session … --document-name AWS-StartNonInteractiveCommand --parameters command=…` for one
// target: runs the command here in that node's environment and frames its output as the plugin does.
const AWS = `#!${process.execPath}
const fs = require("node:fs");
const { join } = require("node:path");
const { spawnSync } = require("node:child_process");
const dir = process.env.STANDIN_DIR;
const args = process.argv.slice(2);
fs.appendFileSync(join(dir, "sessions.log"), JSON.stringify(args) + "\\n");
const config = JSON.parse(fs.readFileSync(join(dir, "config.json"), "utf8"));
const value = (flag) => args[args.indexOf(flag) + 1] ?? "";
const target = value("--target");
const fail = (code, message) => {
  process.stderr.write("\\nAn error occurred (" + code + ") when calling the StartSession operation: " + message + "\\n");
  process.exit(254);
};
if (args[0] !== "ssm" || args[1] !== "start-session") fail("InvalidCommand", "the stand-in does only ssm start-session");
let state = config.targets[target];
if (state === undefined) fail("InvalidTarget", target + " is not a valid target");
if (state === "not-connected") fail("TargetNotConnected", target + " is not connected.");
if (state === "denied") fail("AccessDeniedException", "User is not authorized to perform: ssm:StartSession on resource");
if (state === "throttled") {
  const mark = join(dir, "throttled-" + target.replace(/[^\\w-]/g, "_"));
  if (!fs.existsSync(mark)) {
    fs.writeFileSync(mark, "");
    fail("ThrottlingException", "Rate exceeded");
  }
  state = "healthy";
}
const id = "admin-" + process.pid.toString(16).padStart(17, "0");
process.stdout.write("\\r\\nStarting session with SessionId: " + id + "\\r\\n");
if (state === "silent") setInterval(() => {}, 60000);
else {
  let words = value("--parameters").replace(/^command=/, "").split(" ");
  if (words[0] === "sudo" && words[1] === "-n") words = words.slice(2);
  const own = { ...config.nodeEnv, ...(config.envByTarget ?? {})[target] };
  const env = state === "overridden" ? { ...own, HOME: config.overriddenHome } : own;
  const argv = [...((config.withinByTarget ?? {})[target] ?? []), ...words];
  const canned = Object.entries(config.canned ?? {}).find(([when]) => when.split(" ").every((w) => words.includes(w)));
  const ran = state === "canned"
    ? { stdout: canned?.[1] ?? "", stderr: "" }
    : spawnSync(argv[0], argv.slice(1), { env, encoding: "utf8" });
  process.stdout.write((ran.stdout + ran.stderr).replace(/\\n/g, "\\r\\n"));
  process.stdout.write("\\r\\n\\r\\nExiting session with sessionId: " + id + ".\\r\\n\\r\\n");
}
`;

/** A stand-in for `aws ssm start-session` over a cluster of nodes that are this machine, each in its state. */
export async function createSsmStandIn(root: string): Promise<SsmStandIn> {
  const binDir = join(root, "ssm-standin");
  await mkdir(binDir, { recursive: true });
  await writeFile(join(binDir, "aws"), AWS);
  const hpiam = join(binDir, "node-hpiam");
  await writeFile(hpiam, `#!/bin/sh\nexec "${process.execPath}" "${CLI}" "$@"\n`);
  await Promise.all([chmod(join(binDir, "aws"), 0o755), chmod(hpiam, 0o755)]);
  await writeFile(join(binDir, "sessions.log"), "");
  return {
    binDir,
    hpiam,
    configure: (config) =>
      writeFile(
        join(binDir, "config.json"),
        JSON.stringify({ ...config, withinByTarget: withinByTarget(config.bindsByTarget ?? {}) }),
      ),
    async sessions() {
      const text = await readFile(join(binDir, "sessions.log"), "utf8");
      return text
        .split("\n")
        .filter(Boolean)
        .map((line) => JSON.parse(line) as string[]);
    },
  };
}

/** What each target's hpiam runs under: its binds mounted in a namespace of its own (none: nothing). */
function withinByTarget(binds: NonNullable<StandInConfig["bindsByTarget"]>): Record<string, string[]> {
  return Object.fromEntries(
    Object.entries(binds)
      .filter(([, pairs]) => pairs.length > 0)
      .map(([target, pairs]) => {
        const mounts = pairs.map((_, i) => `mount --bind "$${2 * i + 1}" "$${2 * i + 2}"`);
        const script = `${mounts.join(" && ")} && shift ${2 * pairs.length} && exec "$@"`;
        return [target, inPrivateMounts(script, "sh", ...pairs.flatMap(({ from, to }) => [from, to]))];
      }),
  );
}

/** HyperPod clusters in the simulated node's moto, one group `workers` each; their instance ids, by cluster. */
export async function createClusters(
  node: SimulatedNode,
  sizes: Record<string, number>,
): Promise<Record<string, string[]>> {
  const sagemaker = new SageMakerClient(motoAdmin(node.env.AWS_ENDPOINT_URL));
  const ids: Record<string, string[]> = {};
  try {
    for (const [name, count] of Object.entries(sizes)) {
      await sagemaker.send(
        new CreateClusterCommand({
          ClusterName: name,
          InstanceGroups: [
            {
              InstanceGroupName: "workers",
              InstanceType: "ml.m5.12xlarge",
              InstanceCount: count,
              LifeCycleConfig: { SourceS3Uri: "s3://sagemaker-lifecycle/", OnCreate: "on_create.sh" },
              ExecutionRole: node.world.roleArn,
              ThreadsPerCore: 1,
            },
          ],
          VpcConfig: { SecurityGroupIds: ["sg-0123456789abcdef0"], Subnets: ["subnet-0123456789abcdef0"] },
        }),
      );
      const listed = await sagemaker.send(new ListClusterNodesCommand({ ClusterName: name }));
      ids[name] = (listed.ClusterNodeSummaries ?? []).map((summary) => summary.InstanceId ?? "");
    }
  } finally {
    sagemaker.destroy();
  }
  return ids;
}

/** The SSM target of a node of group `workers` (moto's cluster id is the cluster's name). */
export const workerTarget = (cluster: string, id: string) => `sagemaker-cluster:${cluster}_workers-${id}`;

/** An admin's laptop: its own keys, no IMDS, no HyperPod files; the stand-in `aws` and the plugin on PATH. */
export function laptopEnv(node: SimulatedNode, standIn: SsmStandIn): Record<string, string> {
  return {
    AWS_ACCESS_KEY_ID: "AKIAIOSFODNN7EXAMPLE",
    AWS_SECRET_ACCESS_KEY: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    AWS_EC2_METADATA_DISABLED: "true",
    HPIAM_RESOURCE_CONFIG: join(node.sandbox.root, "not-a-node", "resource_config.json"),
    PATH: `${standIn.binDir}:${node.sandbox.binDir}:/usr/bin:/bin`,
    STANDIN_DIR: standIn.binDir,
  };
}

const SAGEMAKER_ENDPOINT = fileURLToPath(new URL("./sagemaker-endpoint.mjs", import.meta.url));

/**
 * SageMaker for AWS_ENDPOINT_URL_SAGEMAKER: BatchRebootClusterNodes recorded in `record`, the rest moto's; the
 * node ids listed in `refuse` (a file, read at each call) are refused.
 */
export function startRebootRecorder(
  motoEndpoint: string,
  record: string,
  refuse?: string,
): Promise<FakeImds> {
  return startServer(SAGEMAKER_ENDPOINT, {
    SAGEMAKER_ENDPOINT: JSON.stringify({ moto: motoEndpoint, rebootRecord: record, refuseFile: refuse }),
  });
}

/** A node as ListClusterNodes lists it: its InstanceStatus's Status and Message. */
export interface ListedNode {
  id: string;
  group: string;
  status: string;
  message?: string;
}

export interface SageMakerEndpointConfig {
  /** Where every other call goes. */
  moto: string;
  /** Clusters this endpoint answers DescribeCluster and ListClusterNodes for, by name. */
  clusters: Record<string, { arn: string; nodes: ListedNode[] }>;
  /** ListClusterNodes gives at most this many nodes a page, whatever MaxResults asks. */
  pageSize: number;
  /** The nodes BatchRebootClusterNodes fails, with its ErrorCode and Message. */
  refuse?: Record<string, { code: string; message: string }>;
}

export interface SageMakerCall {
  operation: string;
  request: Record<string, unknown>;
}

/** The recording SageMaker endpoint: strict on 25 ids a reboot call, paging ListClusterNodes, every call kept. */
export async function startSageMakerEndpoint(
  config: SageMakerEndpointConfig,
): Promise<FakeImds & { calls(operation: string): Promise<SageMakerCall["request"][]> }> {
  const server = await startServer(SAGEMAKER_ENDPOINT, { SAGEMAKER_ENDPOINT: JSON.stringify(config) });
  return {
    ...server,
    async calls(operation) {
      const all = (await (await fetch(`${server.endpoint}/calls`)).json()) as SageMakerCall[];
      return all.filter((call) => call.operation === operation).map((call) => call.request);
    },
  };
}
