import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REGION } from "../support/aws-world";
import { runHpiam } from "../support/cli";
import { createSandbox, type Sandbox } from "../support/sandbox";
import { type SimulatedNode, startSimulatedNode } from "../support/simulated-node";
import {
  createSsmStandIn,
  laptopEnv,
  type ListedNode,
  type SsmStandIn,
  startSageMakerEndpoint,
  workerTarget as target,
} from "../support/ssm-standin";

const CLUSTER = "wide-cluster";
const ARN = `arn:aws:sagemaker:${REGION}:123456789012:cluster/${CLUSTER}`;
const RUNNING = Array.from({ length: 60 }, (_, i) => `i-0${(0xa000 + i).toString(16).padStart(16, "0")}`);
/** Listed among the Running ones: HyperPod's own work on them, or a failure, in their InstanceStatus. */
const NOT_RUNNING: ListedNode[] = [
  {
    id: "i-0b00000000000000a",
    group: "workers",
    status: "SystemUpdating",
    message: "applying a software update",
  },
  { id: "i-0b00000000000000b", group: "workers", status: "DeepHealthCheckInProgress" },
  { id: "i-0b00000000000000c", group: "workers", status: "Pending" },
  { id: "i-0b00000000000000d", group: "workers", status: "Failure", message: "lifecycle script failed" },
];
const LISTED: ListedNode[] = [
  ...RUNNING.slice(0, 30).map((id) => ({ id, group: "workers", status: "Running" })),
  ...NOT_RUNNING,
  ...RUNNING.slice(30).map((id) => ({ id, group: "workers", status: "Running" })),
];
/** SageMaker refuses this one's reboot: it went SystemUpdating after it was recovered. */
const REFUSED = RUNNING[40] ?? "";
const PAGE = 7;

interface FleetReport {
  nodes: Array<{
    name: string;
    status: string;
    reason: string | null;
    state?: string | null;
    verified?: boolean;
  }>;
  reboot?: {
    command: string[];
    commands: string[][];
    ok: boolean;
    refused: Array<{ node: string; reason: string }>;
  } | null;
  summary: { status: string };
}

/**
 * A 64-node cluster over the SSM stand-ins and the recording SageMaker endpoint, which pages ListClusterNodes 7
 * nodes at a time, takes 25 node ids a reboot call at most and refuses one node's reboot. Its 60 Running nodes
 * answer with the documents hpiam printed on a node whose ubuntu ~/.aws held an IAM user's key (recovered once,
 * for real, below), each node its own home at the same path, so that 60 nodes cost 60 small processes.
 */
describe("hpiam fleet --cluster over a cluster of 60 Running nodes and 4 others", () => {
  let node: SimulatedNode;
  let home: Sandbox;
  let standIn: SsmStandIn;
  let sagemaker: Awaited<ReturnType<typeof startSageMakerEndpoint>>;
  let laptop: Record<string, string>;

  beforeAll(async () => {
    node = await startSimulatedNode();
    home = await createSandbox();
    await mkdir(join(home.home, ".aws"), { mode: 0o700 });
    await writeFile(
      join(home.home, ".aws", "credentials"),
      `[default]\naws_access_key_id = ${node.world.leakedKey.accessKeyId}\naws_secret_access_key = ${node.world.leakedKey.secretAccessKey}\n`,
    );
    const onNode = async (args: string[]) => (await node.hpiam(args, home.env)).stdout;
    const plan = await onNode(["recover", "--dry-run", "--json", "--all-users"]);
    const recovered = await onNode(["recover", "--yes", "--no-reboot", "--json", "--all-users"]);
    const healthy = await onNode(["whoami", "--json"]);
    // What fleet whoami asks a node: the identity and every user's keys.
    const checked = await onNode([
      "diagnose",
      "--json",
      "--checks",
      "caller-identity,credential-source,aws-files,other-users",
      "--all-users",
    ]);
    standIn = await createSsmStandIn(node.sandbox.root);
    await standIn.configure({
      targets: Object.fromEntries(RUNNING.map((id) => [target(CLUSTER, id), "canned"])),
      nodeEnv: node.env,
      overriddenHome: node.sandbox.home,
      canned: {
        "recover --dry-run": plan,
        "recover --yes": recovered,
        whoami: healthy,
        diagnose: checked,
      },
    });
    sagemaker = await startSageMakerEndpoint({
      moto: node.env.AWS_ENDPOINT_URL ?? "",
      clusters: { [CLUSTER]: { arn: ARN, nodes: LISTED } },
      pageSize: PAGE,
      refuse: {
        [REFUSED]: {
          code: "InvalidInstanceStatus",
          message: `Instance ${REFUSED} is in SystemUpdating status`,
        },
      },
    });
    laptop = { ...laptopEnv(node, standIn), AWS_ENDPOINT_URL_SAGEMAKER: sagemaker.endpoint };
  });
  afterAll(async () => {
    await sagemaker?.stop();
    await home?.cleanup();
    await node?.stop();
  });

  const fleet = async (args: string[], env = { ...node.env, ...laptop }) => {
    const fast = ["--hpiam", standIn.hpiam, "--rate", "50", "--concurrency", "30", "--timeout", "30"];
    const result = await runHpiam(["fleet", ...args, ...fast], env);
    return { ...result, report: result.json as FleetReport };
  };

  it("lists every node of every ListClusterNodes page, the ones not Running with SageMaker's status", async () => {
    const { exitCode, report } = await fleet(["whoami", "--cluster", CLUSTER, "--json"]);
    const pages = await sagemaker.calls("ListClusterNodes");
    expect(pages).toHaveLength(Math.ceil(LISTED.length / PAGE));
    expect(pages.map((page) => page.MaxResults)).toEqual(pages.map(() => 100));
    expect(pages.map((page) => page.NextToken ?? null)).toEqual(
      pages.map((_, i) => (i === 0 ? null : String(i * PAGE))),
    );
    expect(report.nodes.map((n) => n.name)).toEqual(LISTED.map((n) => n.id));
    const byName = new Map(report.nodes.map((n) => [n.name, n]));
    expect(NOT_RUNNING.map((n) => byName.get(n.id))).toEqual([
      expect.objectContaining({
        status: "busy",
        state: "SystemUpdating",
        reason: "SageMaker says SystemUpdating: applying a software update (ask again once it is Running)",
      }),
      expect.objectContaining({ status: "busy", state: "DeepHealthCheckInProgress" }),
      expect.objectContaining({ status: "busy", state: "Pending" }),
      expect.objectContaining({
        status: "down",
        state: "Failure",
        reason: "SageMaker says Failure: lifecycle script failed",
      }),
    ]);
    expect(RUNNING.every((id) => byName.get(id)?.status === "answered")).toBe(true);
    const sessions = await standIn.sessions();
    expect(sessions.map((argv) => argv[3])).not.toContain(target(CLUSTER, NOT_RUNNING[0]?.id ?? ""));
    expect(exitCode).toBe(1);
  });

  it("the report for a person shows each non-Running node's status", async () => {
    const { stdout } = await fleet([
      "diagnose",
      "--cluster",
      CLUSTER,
      "--nodes",
      NOT_RUNNING.map((n) => n.id).join(","),
    ]);
    expect(stdout).toMatch(/busy: SageMaker says SystemUpdating: applying a software update/);
    expect(stdout).toMatch(/down: SageMaker says Failure: lifecycle script failed/);
  });

  it("--dry-run shows one BatchRebootClusterNodes command per 25 nodes, and calls none", async () => {
    const { stdout } = await fleet([
      "recover",
      "--cluster",
      CLUSTER,
      "--nodes",
      RUNNING.join(","),
      "--dry-run",
    ]);
    const commands = stdout.split("\n").filter((line) => line.startsWith("would then run"));
    expect(commands).toHaveLength(3);
    expect(commands[2]).toContain(`--node-ids ${RUNNING.slice(50).join(" ")} --region ${REGION}`);
    expect(await sagemaker.calls("BatchRebootClusterNodes")).toEqual([]);
  });

  it("--yes reboots in calls of 25, 25 and 10; the node SageMaker refused says why, and the exit is 1", async () => {
    const { exitCode, report, stdout, stderr } = await fleet([
      "recover",
      "--cluster",
      CLUSTER,
      "--nodes",
      RUNNING.join(","),
      "--yes",
      "--json",
    ]);
    const calls = await sagemaker.calls("BatchRebootClusterNodes");
    expect(calls.map((call) => (call.NodeIds as string[]).length)).toEqual([25, 25, 10]);
    expect(calls.flatMap((call) => call.NodeIds as string[])).toEqual(RUNNING);
    expect(report.reboot).toMatchObject({
      ok: false,
      refused: [
        { node: REFUSED, reason: `InvalidInstanceStatus: Instance ${REFUSED} is in SystemUpdating status` },
      ],
    });
    expect(report.reboot?.commands).toHaveLength(3);
    const byName = new Map(report.nodes.map((n) => [n.name, n]));
    expect(byName.get(REFUSED)).toMatchObject({
      status: "failed",
      verified: false,
      reason: `verified, but its reboot was refused: InvalidInstanceStatus: Instance ${REFUSED} is in SystemUpdating status`,
    });
    expect(RUNNING.filter((id) => byName.get(id)?.verified)).toHaveLength(59);
    expect(report.summary.status).toBe("failed");
    expect(exitCode).toBe(1);
    for (const secret of node.world.secrets) expect(stdout + stderr).not.toContain(secret);
  });

  it("finds the cluster with AWS_DEFAULT_REGION alone, as aws does", async () => {
    const onlyDefault: Record<string, string> = { ...node.env, ...laptop, AWS_DEFAULT_REGION: "eu-north-1" };
    delete onlyDefault.AWS_REGION;
    const { exitCode, stderr } = await fleet(
      ["whoami", "--cluster", CLUSTER, "--nodes", RUNNING[0] ?? "", "--json"],
      onlyDefault,
    );
    expect(stderr).toBe("");
    expect(exitCode).toBe(0);
    expect((await standIn.sessions()).at(-1)).toContain("eu-north-1");
  });
});
