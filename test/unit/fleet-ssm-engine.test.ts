import { describe, expect, it } from "vitest";
import { engineFor, fleetExitCode, fleetSurvey } from "../../src/fleet/fleet";
import { UsageError } from "../../src/errors";
import type { RunResult, SageMakerPort } from "../../src/context";
import { fleetRecover, fleetRecoverExitCode } from "../../src/fleet/fleet-recover";
import { sessionDocument } from "../../src/fleet/model/session-output";
import { createSsmEngine } from "../../src/fleet/ssm-engine";
import { fakeContext } from "../support/fake-context";
import {
  HEALTHY_DIAGNOSE,
  HEALTHY_WHOAMI,
  OVERRIDDEN_DIAGNOSE,
  OVERRIDDEN_WHOAMI,
  recoverDocument,
} from "../support/fleet-documents";
import { virtualClock } from "../support/virtual-clock";

const ARN = "arn:aws:sagemaker:us-west-2:123456789012:cluster/aa11bbbbb222";
const SESSION_ID = "admin-0a1b2c3d4e5f67890";

/** What `aws ssm start-session` prints around the node's output, \r\n and all. */
const session = (body: string) =>
  `\r\nStarting session with SessionId: ${SESSION_ID}\r\n${body.replace(/\n/g, "\r\n")}\r\n\r\n\r\nExiting session with sessionId: ${SESSION_ID}.\r\n\r\n`;
const said = (document: unknown) => session(JSON.stringify(document, null, 2));
const ok = (stdout: string): RunResult => ({ exitCode: 0, stdout, stderr: "", timedOut: false });
const failed = (stderr: string): RunResult => ({ exitCode: 255, stdout: "", stderr, timedOut: false });

describe("a node's document out of an SSM session", () => {
  it("is found between the plugin's lines, whatever the node's shell said around it", () => {
    const noisy = session(
      `sudo: unable to resolve host ip-10-1-2-3\n\u001b[0m${JSON.stringify(HEALTHY_WHOAMI, null, 2)}\nlogout`,
    );
    expect(sessionDocument(noisy)).toEqual({ document: HEALTHY_WHOAMI });
    expect(sessionDocument(said(OVERRIDDEN_WHOAMI))).toEqual({ document: OVERRIDDEN_WHOAMI });
  });

  it("says what the node printed instead", () => {
    expect(sessionDocument(session(""))).toEqual({ problem: "printed nothing" });
    expect(sessionDocument(session("sudo: /fsx/tools/hpiam: command not found"))).toEqual({
      problem: "printed something that is not JSON: sudo: /fsx/tools/hpiam: command not found",
    });
  });
});

type State = "healthy" | "overridden" | "not-connected" | "denied" | "throttled-once" | "silent";

/** A cluster of nodes i-0…, each answering as its state says; every session's argv is recorded. */
function cluster(states: State[]) {
  const ran: string[][] = [];
  const throttled = new Set<string>();
  const ctx = fakeContext({
    sagemaker: {
      describeCluster: async () => ({
        ok: true,
        value: { arn: ARN, name: "ml-cluster", groups: [{ name: "workers" }, { name: "controller" }] },
      }),
      listClusterNodes: async () => ({
        ok: true,
        value: states.map((_, i) => ({ groupName: "workers", instanceId: `i-${i}`, status: "Running" })),
      }),
    },
    exec: {
      which: async (command) => `/usr/local/bin/${command}`,
      run: async (argv) => {
        ran.push([...argv]);
        const id = /-(i-\d+)$/.exec(argv[argv.indexOf("--target") + 1] ?? "")?.[1] ?? "";
        const state = states[Number(id.slice(2))];
        if (state === "healthy") return ok(said(HEALTHY_DIAGNOSE));
        if (state === "overridden") return ok(said(OVERRIDDEN_DIAGNOSE));
        if (state === "not-connected")
          return failed(
            `An error occurred (TargetNotConnected) when calling the StartSession operation: sagemaker-cluster:aa11bbbbb222_workers-${id} is not connected.`,
          );
        if (state === "denied")
          return failed(
            "An error occurred (AccessDeniedException) when calling the StartSession operation: User is not authorized to perform: ssm:StartSession",
          );
        if (state === "throttled-once" && !throttled.has(id)) {
          throttled.add(id);
          return failed(
            "An error occurred (ThrottlingException) when calling the StartSession operation: Rate exceeded",
          );
        }
        if (state === "throttled-once") return ok(said(HEALTHY_DIAGNOSE));
        return { exitCode: 143, stdout: session(""), stderr: "", timedOut: true };
      },
    },
  });
  return { ctx, ran };
}

async function survey(states: State[], extra: { nodes?: string } = {}) {
  const { ctx, ran } = cluster(states);
  const clock = virtualClock();
  const engine = createSsmEngine(ctx, {
    cluster: "ml-cluster",
    hpiam: "/fsx/tools/hpiam",
    pacing: { rate: 3, concurrency: 4 },
    clock,
  });
  const report = await clock.settle(fleetSurvey("whoami", { cluster: "ml-cluster", ...extra }, ctx, engine));
  return { report, ran };
}

describe("hpiam fleet whoami --cluster", () => {
  it("starts one session per node with the node's hpiam, and groups the answers by cause", async () => {
    const { report, ran } = await survey(["healthy", "overridden", "healthy", "not-connected", "overridden"]);
    expect(ran[0]).toEqual([
      "aws",
      "ssm",
      "start-session",
      "--target",
      "sagemaker-cluster:aa11bbbbb222_workers-i-0",
      "--region",
      "us-west-2",
      "--document-name",
      "AWS-StartNonInteractiveCommand",
      "--parameters",
      "command=sudo -n /fsx/tools/hpiam diagnose --json --checks caller-identity,credential-source,aws-files,other-users --all-users",
    ]);
    expect(report.engine.name).toBe("ssm");
    expect(report.groups.map((group) => [group.verdict, group.nodelist])).toEqual([
      ["overridden", "i-1,i-4"],
      ["not-connected", "i-3"],
      ["healthy", "i-0,i-2"],
    ]);
    expect(report.nodes[3]?.reason).toMatch(
      /TargetNotConnected.*`aws configure` as root made the agent sign as that IAM user.*AmazonSSMManagedInstanceCore/,
    );
    expect(report.nodes[3]?.reason).toContain(
      `batch-reboot-cluster-nodes --cluster-name ${ARN} --node-ids <its instance id>`,
    );
    expect(report.summary).toMatchObject({ status: "unhealthy", healthy: 2, unhealthy: 2, unavailable: 1 });
    expect(fleetExitCode(report)).toBe(1);
  });

  it("tries a throttled node again, and says which permission a refused session lacks", async () => {
    const { report, ran } = await survey(["throttled-once", "denied", "silent"]);
    expect(ran.filter((argv) => argv.includes("sagemaker-cluster:aa11bbbbb222_workers-i-0"))).toHaveLength(2);
    expect(report.nodes.map((node) => [node.name, node.finding?.verdict ?? node.status])).toEqual([
      ["i-0", "healthy"],
      ["i-1", "refused"],
      ["i-2", "no-answer"],
    ]);
    expect(report.nodes[1]?.reason).toContain(`ssm:StartSession on ${ARN}`);
    expect(report.nodes[2]?.reason).toBe("did not answer within 60 s");
  });

  it("says where to get the session tools when they are missing, before any session", async () => {
    const { ctx, ran } = cluster(["healthy"]);
    const engine = createSsmEngine(
      { ...ctx, exec: { ...ctx.exec, which: async () => undefined } },
      { cluster: "ml-cluster", hpiam: "/fsx/tools/hpiam", pacing: { rate: 3, concurrency: 1 } },
    );
    await expect(fleetSurvey("whoami", { cluster: "ml-cluster" }, ctx, engine)).rejects.toThrow(
      /aws and session-manager-plugin are not installed/,
    );
    expect(ran).toEqual([]);
  });

  it("is exit 3 when no session could be started, and --nodes names instance ids", async () => {
    const { report } = await survey(["not-connected", "denied", "healthy"], { nodes: "i-0,i-1,i-9" });
    expect(report.nodes.map((node) => node.status)).toEqual(["not-connected", "refused", "unknown-node"]);
    expect(report.summary.status).toBe("not-asked");
    expect(fleetExitCode(report)).toBe(3);
  });
});

describe("the flags of fleet --cluster", () => {
  const ctx = fakeContext();
  it.each([
    [{ cluster: "ml-cluster", partition: "dev" }, /--partition is Slurm's/],
    [{ cluster: "ml-cluster", rate: "fast" }, /--rate: "fast" is not a number/],
    [{ cluster: "ml-cluster", rate: "0" }, /--rate: "0"/],
    [{ cluster: "ml-cluster", concurrency: "0" }, /--concurrency: "0" is not a whole number from 1 to 500/],
    [
      { cluster: "ml-cluster", hpiam: "/fsx/tools/hp iam;reboot" },
      /--hpiam: .* has characters a shell would read/,
    ],
    [{ cluster: "ml cluster" }, /--cluster: "ml cluster" is neither a cluster name nor a cluster ARN/],
    [{ group: "workers" }, /--group, --rate and --concurrency go with --cluster/],
  ])("refuses %o in one line (exit 2)", (options, message) => {
    expect(() => engineFor(options, ctx)).toThrow(message);
    expect(() => engineFor(options, ctx)).toThrow(UsageError);
  });
});

const ids = (count: number) => Array.from({ length: count }, (_, i) => `i-${String(i).padStart(17, "0")}`);

/** An SSM engine over a cluster whose reboot calls are recorded and answered by `answer`. */
function rebooting(answer: SageMakerPort["batchRebootClusterNodes"]) {
  const calls: string[][] = [];
  const ctx = fakeContext({
    sagemaker: {
      describeCluster: async () => ({ ok: true, value: { arn: ARN, name: "ml-cluster", groups: [] } }),
      batchRebootClusterNodes: async (arn, nodeIds, aws) => {
        calls.push([...nodeIds]);
        return answer(arn, nodeIds, aws);
      },
    },
  });
  const engine = createSsmEngine(ctx, {
    cluster: "ml-cluster",
    hpiam: "/fsx/tools/hpiam",
    pacing: { rate: 3, concurrency: 4 },
  });
  return { engine, calls };
}

describe("the SSM engine's reboot", () => {
  const everyOne: SageMakerPort["batchRebootClusterNodes"] = async (_, nodeIds) => ({
    ok: true,
    value: { successful: [...nodeIds], failed: [] },
  });

  it("asks BatchRebootClusterNodes 25 node ids at a time, in order", async () => {
    const { engine, calls } = rebooting(everyOne);
    const result = await engine.reboot(ids(60));
    expect(calls.map((call) => call.length)).toEqual([25, 25, 10]);
    expect(calls.flat()).toEqual(ids(60));
    expect(result).toMatchObject({
      ok: true,
      refused: [],
      message: "HyperPod is rebooting 60 node(s) in 3 calls of at most 25 nodes",
    });
    expect(result.commands?.map((argv) => argv.slice(argv.indexOf("--node-ids") + 1, -2))).toEqual(calls);
  });

  it("--dry-run: the command of each call, and no call", async () => {
    const { engine, calls } = rebooting(everyOne);
    const result = await engine.reboot(ids(26), { dryRun: true });
    expect(calls).toEqual([]);
    expect(result.commands).toHaveLength(2);
    expect(result.command).toEqual(result.commands?.[0]);
    expect(result.commands?.[1]).toEqual([
      "aws",
      "sagemaker",
      "batch-reboot-cluster-nodes",
      "--cluster-name",
      ARN,
      "--node-ids",
      ids(26)[25],
      "--region",
      "us-west-2",
    ]);
    expect(result.message).toBe("planned in 2 calls of at most 25 nodes");
  });

  it("names each node SageMaker did not take, with its ErrorCode and Message; a failed call refuses its own nodes only", async () => {
    const [first = "", second = ""] = ids(30);
    const { engine } = rebooting(async (_, nodeIds) =>
      nodeIds.length === 25
        ? {
            ok: true,
            value: {
              successful: nodeIds.filter((id) => id !== second),
              failed: [
                { nodeId: second, code: "InvalidInstanceStatus", message: "Instance is SystemUpdating" },
              ],
            },
          }
        : { ok: false, error: { name: "ThrottlingException", message: "Rate exceeded", httpStatus: 400 } },
    );
    const result = await engine.reboot(ids(30));
    expect(result.ok).toBe(false);
    expect(result.refused).toEqual([
      { node: second, reason: "InvalidInstanceStatus: Instance is SystemUpdating" },
      ...ids(30)
        .slice(25)
        .map((node) => ({ node, reason: "BatchRebootClusterNodes failed: Rate exceeded" })),
    ]);
    expect(result.refused.map((r) => r.node)).not.toContain(first);
    expect(result.message).toBe(
      `HyperPod is rebooting 24 of 30 node(s); refused: ${second}: InvalidInstanceStatus: Instance is SystemUpdating; ${ids(30).slice(25).join(",")}: BatchRebootClusterNodes failed: Rate exceeded`,
    );
  });
});

describe("fleet recover --cluster with a node whose reboot SageMaker refuses", () => {
  it("reports that node failed with SageMaker's words, not recovered, and exits 1", async () => {
    const nodes = ids(27);
    const refusedNode = nodes[3] ?? "";
    const calls: string[][] = [];
    const home = (target: string) => `/home/${/-(i-\d+)$/.exec(target)?.[1] ?? ""}/.aws`;
    const ctx = fakeContext({
      sagemaker: {
        describeCluster: async () => ({ ok: true, value: { arn: ARN, name: "ml-cluster", groups: [] } }),
        listClusterNodes: async () => ({
          ok: true,
          value: nodes.map((instanceId) => ({ groupName: "workers", instanceId, status: "Running" })),
        }),
        batchRebootClusterNodes: async (_, nodeIds) => {
          calls.push([...nodeIds]);
          return {
            ok: true,
            value: {
              successful: nodeIds.filter((id) => id !== refusedNode),
              failed: nodeIds.includes(refusedNode)
                ? [{ nodeId: refusedNode, code: "InvalidInstanceStatus", message: "not Running" }]
                : [],
            },
          };
        },
      },
      exec: {
        which: async (command) => `/usr/local/bin/${command}`,
        run: async (argv) => {
          const command = argv.at(-1) ?? "";
          const awsDir = home(argv[argv.indexOf("--target") + 1] ?? "");
          if (command.includes(" whoami ")) return ok(said(HEALTHY_WHOAMI));
          return ok(said(recoverDocument(command.includes("--dry-run") ? "planned" : "recovered", awsDir)));
        },
      },
    });
    const clock = virtualClock();
    const engine = createSsmEngine(ctx, {
      cluster: "ml-cluster",
      hpiam: "/fsx/tools/hpiam",
      pacing: { rate: 50, concurrency: 50 },
      clock,
    });
    const report = await clock.settle(
      fleetRecover({ cluster: "ml-cluster", nodes: nodes.join(","), yes: true }, ctx, {}, engine),
    );
    expect(calls.map((call) => call.length)).toEqual([25, 2]);
    const entry = report.nodes.find((node) => node.name === refusedNode);
    expect(entry).toMatchObject({
      status: "failed",
      verified: false,
      reason: "verified, but its reboot was refused: InvalidInstanceStatus: not Running",
    });
    expect(report.nodes.filter((node) => node.status === "recovered" && node.verified)).toHaveLength(26);
    expect(report.summary.status).toBe("failed");
    expect(fleetRecoverExitCode(report)).toBe(1);
  });
});

describe("nodes SageMaker does not call Running", () => {
  it("are listed, not asked, with SageMaker's status and message", async () => {
    const ctx = fakeContext({
      sagemaker: {
        describeCluster: async () => ({ ok: true, value: { arn: ARN, name: "ml-cluster", groups: [] } }),
        listClusterNodes: async () => ({
          ok: true,
          value: [
            { groupName: "workers", instanceId: "i-0", status: "Running" },
            { groupName: "workers", instanceId: "i-1", status: "SystemUpdating", statusMessage: "patching" },
            { groupName: "workers", instanceId: "i-2", status: "Pending" },
            {
              groupName: "workers",
              instanceId: "i-3",
              status: "Failure",
              statusMessage: "lifecycle script failed",
            },
          ],
        }),
      },
    });
    const engine = createSsmEngine(ctx, {
      cluster: "ml-cluster",
      hpiam: "/fsx/tools/hpiam",
      pacing: { rate: 3, concurrency: 4 },
    });
    expect(await engine.listNodes({})).toEqual([
      { name: "i-0", state: "Running" },
      {
        name: "i-1",
        state: "SystemUpdating",
        unavailable: "busy",
        reason: "SageMaker says SystemUpdating: patching (ask again once it is Running)",
      },
      {
        name: "i-2",
        state: "Pending",
        unavailable: "busy",
        reason: "SageMaker says Pending (ask again once it is Running)",
      },
      {
        name: "i-3",
        state: "Failure",
        unavailable: "down",
        reason: "SageMaker says Failure: lifecycle script failed",
      },
    ]);
  });
});
