import { randomUUID } from "node:crypto";
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RecoverResult } from "../../src/contract/recover";
import type { FleetRecoverReport } from "../../src/fleet/fleet-recover";
import { REGION } from "../support/aws-world";
import type { FakeImds } from "../support/imds";
import { createSandbox, type Sandbox } from "../support/sandbox";
import { type SimulatedNode, startSimulatedNode } from "../support/simulated-node";
import {
  createClusters,
  createSsmStandIn,
  laptopEnv,
  type SsmStandIn,
  startRebootRecorder,
  workerTarget as target,
} from "../support/ssm-standin";

/** `hpiam fleet recover --cluster … --nodes … --json` from the admin's laptop: its report; no secret printed. */
async function recoverOverSsm(
  node: SimulatedNode,
  how: { cluster: string; ids: string[]; hpiam: string; laptop: Record<string, string> },
  args: string[],
) {
  const result = await node.hpiam(
    [
      "fleet",
      "recover",
      "--cluster",
      how.cluster,
      "--nodes",
      how.ids.join(","),
      "--hpiam",
      how.hpiam,
      "--json",
      ...args,
    ],
    how.laptop,
  );
  for (const secret of node.world.secrets) expect(result.stdout + result.stderr).not.toContain(secret);
  return { ...result, report: JSON.parse(result.stdout || "{}") as FleetRecoverReport };
}

const ARN = `arn:aws:sagemaker:${REGION}:123456789012:cluster/fix-cluster`;

/**
 * Four nodes: 0 has the IAM user's key in ubuntu's ~/.aws, 1 is clean, 2 is not connected (as after `aws configure` as root),
 * 3 has the key too but no instance profile to fall back on, so its recovery cannot be verified.
 */
describe("hpiam fleet recover --cluster over SSM", () => {
  let node: SimulatedNode;
  let standIn: SsmStandIn;
  let recorder: FakeImds;
  let laptop: Record<string, string>;
  let ids: string[];
  const homes: Sandbox[] = [];
  const record = () => join(node.sandbox.root, "reboots.jsonl");
  const rebootCalls = async () =>
    (await readFile(record(), "utf8"))
      .split("\n")
      .filter(Boolean)
      .map((line) => JSON.parse(line) as unknown);

  beforeAll(async () => {
    node = await startSimulatedNode();
    ids = (await createClusters(node, { "fix-cluster": 4 }))["fix-cluster"] ?? [];
    await writeFile(record(), "");
    recorder = await startRebootRecorder(node.env.AWS_ENDPOINT_URL ?? "", record());
    for (let i = 0; i < 4; i++) homes.push(await createSandbox());
    for (const sandbox of [homes[0], homes[3]]) {
      if (!sandbox) continue;
      await mkdir(join(sandbox.home, ".aws"), { mode: 0o700 });
      await writeFile(
        join(sandbox.home, ".aws", "credentials"),
        `[default]\naws_access_key_id = ${node.world.leakedKey.accessKeyId}\naws_secret_access_key = ${node.world.leakedKey.secretAccessKey}\n`,
      );
    }
    const own = (i: number, extra: Record<string, string> = {}) => ({ ...homes[i]?.env, ...extra });
    standIn = await createSsmStandIn(node.sandbox.root);
    await standIn.configure({
      targets: Object.fromEntries(
        ids.map((id, i) => [target("fix-cluster", id), i === 2 ? "not-connected" : "healthy"]),
      ),
      nodeEnv: node.env,
      overriddenHome: node.sandbox.home,
      envByTarget: {
        [target("fix-cluster", ids[0] ?? "")]: own(0),
        [target("fix-cluster", ids[1] ?? "")]: own(1),
        [target("fix-cluster", ids[3] ?? "")]: own(3, {
          AWS_EC2_METADATA_SERVICE_ENDPOINT: "http://127.0.0.1:1",
        }),
      },
    });
    laptop = { ...laptopEnv(node, standIn), AWS_ENDPOINT_URL_SAGEMAKER: recorder.endpoint };
  });
  afterAll(async () => {
    await recorder?.stop();
    await Promise.all(homes.map((sandbox) => sandbox.cleanup()));
    await node?.stop();
  });

  const fleetRecover = (args: string[]) =>
    recoverOverSsm(node, { cluster: "fix-cluster", ids, hpiam: standIn.hpiam, laptop }, args);

  it("--dry-run shows every node's plan and the reboot it would ask for, and changes nothing", async () => {
    const { exitCode, report } = await fleetRecover(["--dry-run"]);
    expect(exitCode).toBe(1);
    expect(report.nodes.map((n) => [n.name, n.status])).toEqual([
      [ids[0], "planned"],
      [ids[1], "nothing-to-do"],
      [ids[2], "not-connected"],
      [ids[3], "planned"],
    ]);
    expect(report.reboot).toMatchObject({ queued: false, nodes: [ids[0], ids[3]] });
    expect(report.reboot?.command.slice(0, 5)).toEqual([
      "aws",
      "sagemaker",
      "batch-reboot-cluster-nodes",
      "--cluster-name",
      ARN,
    ]);
    expect(await rebootCalls()).toEqual([]);
    expect(await readdir(homes[0]?.home ?? "")).toContain(".aws");
    const sessions = await standIn.sessions();
    expect(sessions.at(-1)?.at(-1)).toBe(
      `command=sudo -n ${standIn.hpiam} recover --dry-run --no-reboot --json --all-users`,
    );
  });

  it("--yes recovers each node through its session and reboots through BatchRebootClusterNodes only the verified", async () => {
    const { exitCode, report, stdout, stderr } = await fleetRecover(["--yes"]);
    expect(exitCode).toBe(1);
    const byName = new Map(report.nodes.map((n) => [n.name, n]));
    expect(byName.get(ids[0] ?? "")).toMatchObject({ status: "recovered", verified: true });
    expect(byName.get(ids[1] ?? "")).toMatchObject({ status: "nothing-to-do", verified: false });
    expect(byName.get(ids[3] ?? "")).toMatchObject({ status: "failed", verified: false });
    expect(byName.get(ids[3] ?? "")?.reason).toMatch(/^verification failed: no credentials/);
    expect(byName.get(ids[2] ?? "")?.reason).toMatch(
      /TargetNotConnected.*AmazonSSMManagedInstanceCore.*batch-reboot-cluster-nodes --cluster-name/,
    );
    expect(await rebootCalls()).toEqual([{ ClusterName: ARN, NodeIds: [ids[0]] }]);
    expect(report.reboot).toMatchObject({ ok: true, queued: true, nodes: [ids[0]] });
    expect((await readdir(homes[0]?.home ?? "")).some((name) => name.startsWith(".aws.hpiam-backup-"))).toBe(
      true,
    );
    expect(report.summary.status).toBe("failed");
    for (const secret of node.world.secrets) expect(stdout + stderr).not.toContain(secret);
  });
});

/**
 * HyperPod's own layout over SSM: four nodes, each with /root and /home/ubuntu at one path on its own disk (binds
 * in its own mount namespace, with a boot id of its own); ubuntu's keys on nodes 0, 1 and 2; node 3 is clean.
 */
describe("hpiam fleet recover --cluster with local homes at one path", () => {
  let node: SimulatedNode;
  let standIn: SsmStandIn;
  let recorder: FakeImds;
  let laptop: Record<string, string>;
  let ids: string[];
  let layout: Sandbox;
  const disk = (i: number) => join(layout.root, "disks", String(i));
  const record = () => join(node.sandbox.root, "reboots.jsonl");
  const refuse = () => join(node.sandbox.root, "refuse");
  const rebootCalls = async () =>
    (await readFile(record(), "utf8"))
      .split("\n")
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { NodeIds: string[] });
  /** What a reboot does to what the node reads: a boot id of its own, new. */
  const boot = (i: number) => writeFile(join(disk(i), "boot_id"), `${randomUUID()}\n`);

  beforeAll(async () => {
    node = await startSimulatedNode();
    ids = (await createClusters(node, { "local-cluster": 4 }))["local-cluster"] ?? [];
    await writeFile(record(), "");
    await writeFile(refuse(), "");
    recorder = await startRebootRecorder(node.env.AWS_ENDPOINT_URL ?? "", record(), refuse());
    layout = await createSandbox();
    for (let i = 0; i < 4; i++) {
      await mkdir(join(disk(i), "home", "ubuntu"), { recursive: true });
      await mkdir(join(disk(i), "home", "alice"), { recursive: true });
      await mkdir(join(disk(i), "root"), { recursive: true });
      await boot(i);
      if (i === 3) continue;
      await mkdir(join(disk(i), "home", "ubuntu", ".aws"), { mode: 0o700 });
      await writeFile(
        join(disk(i), "home", "ubuntu", ".aws", "credentials"),
        `[default]\naws_access_key_id = ${node.world.leakedKey.accessKeyId}\naws_secret_access_key = ${node.world.leakedKey.secretAccessKey}\n`,
      );
    }
    standIn = await createSsmStandIn(node.sandbox.root);
    const targets = ids.map((id) => target("local-cluster", id));
    await standIn.configure({
      targets: Object.fromEntries(targets.map((name) => [name, "healthy"])),
      nodeEnv: node.env,
      overriddenHome: node.sandbox.home,
      envByTarget: Object.fromEntries(targets.map((name) => [name, layout.env])),
      bindsByTarget: Object.fromEntries(
        targets.map((name, i) => [
          name,
          [
            { from: join(disk(i), "home"), to: join(layout.root, "home") },
            { from: join(disk(i), "root"), to: layout.rootHome },
            { from: join(disk(i), "boot_id"), to: "/proc/sys/kernel/random/boot_id" },
          ],
        ]),
      ),
    });
    laptop = { ...laptopEnv(node, standIn), AWS_ENDPOINT_URL_SAGEMAKER: recorder.endpoint };
  });
  afterAll(async () => {
    await recorder?.stop();
    await layout?.cleanup();
    await node?.stop();
  });

  const fleetRecover = (args: string[]) =>
    recoverOverSsm(node, { cluster: "local-cluster", ids, hpiam: standIn.hpiam, laptop }, args);
  const statuses = (report: FleetRecoverReport) => report.nodes.map((n) => [n.status, n.verified]);

  it("--dry-run: each node plans only the ~/.aws it changes, its own", async () => {
    const { exitCode, report } = await fleetRecover(["--dry-run"]);
    expect(exitCode, JSON.stringify(report.summary)).toBe(0);
    expect(report.nodes.map((n) => n.status)).toEqual(["planned", "planned", "planned", "nothing-to-do"]);
    for (const planned of report.nodes.slice(0, 3)) {
      expect((planned.document as RecoverResult).changedHomes).toEqual([
        expect.objectContaining({ awsDir: join(layout.home, ".aws"), shared: false }),
      ]);
    }
    expect(report.sharedHomes).toEqual([]);
    expect(report.reboot).toMatchObject({ nodes: ids.slice(0, 3), queued: false });
  });

  it("recovers all three in one run; a node BatchRebootClusterNodes refuses still waits, and a rerun reboots it", async () => {
    await writeFile(refuse(), `${ids[1]}\n`);
    const first = await fleetRecover(["--yes"]);
    expect(first.exitCode).toBe(1);
    // Its keys moved, but its processes keep the old ones until it reboots: not done.
    expect(statuses(first.report)).toEqual([
      ["recovered", true],
      ["failed", false],
      ["recovered", true],
      ["nothing-to-do", false],
    ]);
    expect(first.report.nodes[1]?.reason).toBe(
      "verified, but its reboot was refused: InvalidInstanceStatus: the node is not InService",
    );
    for (let i = 0; i < 3; i++)
      expect(await readdir(join(disk(i), "home", "ubuntu")), `node ${i}`).not.toContain(".aws");
    expect((await rebootCalls()).map((call) => call.NodeIds)).toEqual([ids.slice(0, 3)]);
    expect(first.report.reboot).toMatchObject({
      ok: false,
      refused: [{ node: ids[1], reason: "InvalidInstanceStatus: the node is not InService" }],
    });
    expect(first.report.rebootPending).toEqual([
      { node: ids[1], reason: "InvalidInstanceStatus: the node is not InService" },
    ]);
    // HyperPod rebooted the others.
    await boot(0);
    await boot(2);

    await writeFile(refuse(), "");
    const rerun = await fleetRecover(["--yes"]);
    expect(rerun.exitCode, JSON.stringify(rerun.report.nodes.map((n) => n.reason))).toBe(0);
    expect(statuses(rerun.report)).toEqual([
      ["nothing-to-do", false],
      ["recovered", true],
      ["nothing-to-do", false],
      ["nothing-to-do", false],
    ]);
    expect(rerun.report.nodes[1]?.reason).toMatch(
      /^reboot: the keys were moved aside at \S+ and this node has not rebooted since/,
    );
    expect((await rebootCalls()).at(-1)?.NodeIds).toEqual([ids[1]]);
    await boot(1);

    const done = await fleetRecover(["--yes"]);
    expect(done.exitCode).toBe(0);
    expect(done.report.summary.status).toBe("nothing-to-do");
    expect(await rebootCalls()).toHaveLength(2);
  });
});
