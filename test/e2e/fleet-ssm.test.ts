import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REGION } from "../support/aws-world";
import { type SimulatedNode, startSimulatedNode } from "../support/simulated-node";
import {
  createClusters,
  createSsmStandIn,
  laptopEnv,
  type SsmStandIn,
  type StandInState,
  workerTarget as target,
} from "../support/ssm-standin";

/** The 20 nodes' states, in ListClusterNodes' order. */
const STATES: StandInState[] = [
  ...Array<StandInState>(11).fill("healthy"),
  ...Array<StandInState>(3).fill("overridden"),
  "not-connected",
  "not-connected",
  "throttled",
  "throttled",
  "silent",
  "healthy",
];

describe("hpiam fleet --cluster over SSM, 20 stand-in nodes", () => {
  let node: SimulatedNode;
  let standIn: SsmStandIn;
  let laptop: Record<string, string>;
  let ids: string[];

  beforeAll(async () => {
    node = await startSimulatedNode();
    const clusters = await createClusters(node, { "big-cluster": 20, "dark-cluster": 2 });
    ids = clusters["big-cluster"] ?? [];
    // The overridden nodes' HOME: `aws configure` left the IAM user's key in it.
    const overriddenHome = join(node.sandbox.root, "overridden-home");
    await mkdir(join(overriddenHome, ".aws"), { recursive: true });
    await writeFile(
      join(overriddenHome, ".aws", "credentials"),
      `[default]\naws_access_key_id = ${node.world.leakedKey.accessKeyId}\naws_secret_access_key = ${node.world.leakedKey.secretAccessKey}\n`,
    );
    standIn = await createSsmStandIn(node.sandbox.root);
    await standIn.configure({
      targets: {
        ...Object.fromEntries(ids.map((id, i) => [target("big-cluster", id), STATES[i] ?? "healthy"])),
        [target("dark-cluster", "workers-0")]: "not-connected",
        [target("dark-cluster", "workers-1")]: "denied",
      },
      nodeEnv: node.env,
      overriddenHome,
    });
    laptop = laptopEnv(node, standIn);
  });
  afterAll(async () => {
    await node?.stop();
  });

  const fleet = (args: string[]) =>
    node.hpiam(["fleet", ...args, "--hpiam", standIn.hpiam, "--timeout", "8"], laptop);

  it("asks every node through its own session and groups the report by cause", async () => {
    expect(ids).toHaveLength(20);
    const result = await fleet(["whoami", "--cluster", "big-cluster", "--json"]);
    expect(result.exitCode).toBe(1);
    const report = JSON.parse(result.stdout) as {
      engine: { name: string };
      nodes: Array<{
        name: string;
        status: string;
        reason: string | null;
        finding: { verdict: string } | null;
      }>;
      groups: Array<{ verdict: string; nodes: string[]; cause: string }>;
      summary: Record<string, unknown>;
    };
    expect(report.engine.name).toBe("ssm");
    expect(report.nodes.map((n) => n.name)).toEqual(ids);
    const at = (i: number) => ids[i] ?? "";
    expect(report.groups.map((group) => [group.verdict, group.nodes])).toEqual([
      ["overridden", [at(11), at(12), at(13)]],
      ["not-connected", [at(14), at(15)]],
      ["no-answer", [at(18)]],
      ["healthy", [...ids.slice(0, 11), at(16), at(17), at(19)]],
    ]);
    expect(report.groups[0]?.cause).toMatch(
      /signs as arn:aws:iam::123456789012:user\/alice, from static keys in \S+overridden-home\/\.aws\/credentials/,
    );
    expect(report.nodes[14]?.reason).toMatch(
      /TargetNotConnected.*`aws configure` as root made the agent sign as that IAM user/,
    );
    expect(report.nodes[18]?.reason).toBe("did not answer within 8 s");
    expect(report.summary).toMatchObject({
      status: "unhealthy",
      nodes: 20,
      healthy: 14,
      unhealthy: 3,
      unavailable: 3,
    });

    const sessions = await standIn.sessions();
    // One session per node, the two throttled ones twice.
    expect(sessions).toHaveLength(22);
    expect(sessions[0]).toEqual([
      "ssm",
      "start-session",
      "--target",
      target("big-cluster", at(0)),
      "--region",
      REGION,
      "--document-name",
      "AWS-StartNonInteractiveCommand",
      "--parameters",
      `command=sudo -n ${standIn.hpiam} whoami --json`,
    ]);
    expect(result.stdout + result.stderr).not.toContain(laptop.AWS_SECRET_ACCESS_KEY);
    for (const secret of node.world.secrets) expect(result.stdout + result.stderr).not.toContain(secret);
  });

  it("--group and --nodes pick the nodes; the report for a person names each cause once", async () => {
    const picked = [ids[0] ?? "", ids[11] ?? "", ids[14] ?? "", "workers-99"];
    const result = await fleet([
      "diagnose",
      "--cluster",
      "big-cluster",
      "--group",
      "workers",
      "--nodes",
      picked.join(","),
    ]);
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toMatch(
      new RegExp(`✖ 1 node  ${picked[1]}  overridden: signs as arn:aws:iam::123456789012:user/alice`),
    );
    expect(result.stdout).toMatch(
      new RegExp(`– 1 node  ${picked[2]}  not-connected: SSM cannot reach its agent`),
    );
    expect(result.stdout).toMatch(
      /– 1 node {2}workers-99 {2}unknown-node: ListClusterNodes lists no such instance/,
    );
    expect(result.stdout).toMatch(new RegExp(`✔ 1 node  ${picked[0]}  healthy`));
    expect(result.stdout).toMatch(/✖ unhealthy {2}4 nodes: 1 healthy, 1 not healthy, 2 without an answer/);
  });

  it("is exit 3 with why per node when no node can be reached, the missing permission named", async () => {
    const result = await fleet(["whoami", "--cluster", "dark-cluster", "--json"]);
    expect(result.exitCode).toBe(3);
    const report = JSON.parse(result.stdout) as { nodes: Array<{ status: string; reason: string }> };
    expect(report.nodes.map((n) => n.status)).toEqual(["not-connected", "refused"]);
    expect(report.nodes[1]?.reason).toMatch(
      new RegExp(`ssm:StartSession on arn:aws:sagemaker:${REGION}:123456789012:cluster/dark-cluster`),
    );
  });

  it("says in one line that there is no such cluster", async () => {
    const result = await fleet(["whoami", "--cluster", "nope"]);
    expect(result.exitCode).toBe(3);
    expect(result.stderr).toMatch(/^hpiam: there is no HyperPod cluster "nope" in us-west-2/);
  });
});
