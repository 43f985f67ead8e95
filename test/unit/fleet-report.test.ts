import { describe, expect, it } from "vitest";
import { diagnose } from "../../src/diagnose/diagnose";
import { fleetExitCode, fleetSurvey } from "../../src/fleet/fleet";
import type { FleetNode } from "../../src/fleet/model/engine";
import { renderFleet } from "../../src/fleet/render-fleet";
import { plainStyle } from "../../src/output/style";
import { fakeContext, failure } from "../support/fake-context";
import { fakeNode, userKeys } from "../support/fake-node";
import {
  diagnoseDocument,
  HEALTHY_DIAGNOSE as healthy,
  HEALTHY_WHOAMI,
  OVERRIDDEN_DIAGNOSE as overridden,
} from "../support/fleet-documents";
import { scriptedEngine } from "../support/fleet-engine";

const style = plainStyle;
/** What fleet whoami asks every node, as root there: the identity's checks and every user's keys. */
const WHOAMI_ARGS = [
  "diagnose",
  "--json",
  "--checks",
  "caller-identity,credential-source,aws-files,other-users",
  "--all-users",
];

describe("fleet whoami over many nodes", () => {
  it("groups 2,000 nodes by cause, problems first, and renders every node", async () => {
    const names = Array.from({ length: 2000 }, (_, i) => `worker-${i + 1}`);
    const documents = Object.fromEntries(
      names.map((name, i) => [name, i % 100 === 7 ? overridden : healthy]),
    );
    const report = await fleetSurvey(
      "whoami",
      {},
      fakeContext(),
      scriptedEngine(
        names.map((name) => ({ name })),
        documents,
      ),
    );
    expect(report.groups.map((group) => [group.verdict, group.nodes.length])).toEqual([
      ["overridden", 20],
      ["healthy", 1980],
    ]);
    expect(report.groups[0]?.cause).toBe(
      "overridden: signs as arn:aws:iam::123456789012:user/alice, from static keys in /fsx/home/ubuntu/.aws/credentials [default], AKIA…WXYZ, failing credential-source",
    );
    expect(fleetExitCode(report)).toBe(1);
    const text = renderFleet(report, style);
    expect(text.split("\n").filter((line) => /^[✔✖–] worker-\d+ /.test(line))).toHaveLength(2000);
  });

  it("tells nodes apart by what root's keys break on their SSM agent (diagnose's root-credentials)", async () => {
    const rootKeys = (agentImpact: string) => ({
      schemaVersion: 1,
      summary: { status: "unhealthy", pass: 0, warn: 0, fail: 1, skip: 0, error: 0 },
      checks: [
        {
          id: "root-credentials",
          title: "root's AWS credentials",
          status: "fail",
          message: "static keys (AKIA…MPLE) in /root/.aws/credentials [default]",
          remediation: "sudo hpiam recover --user root",
          details: { dir: "/root/.aws", present: true, profiles: [], agentImpact },
        },
      ],
      node: null,
    });
    const report = await fleetSurvey(
      "diagnose",
      {},
      fakeContext(),
      scriptedEngine([{ name: "a" }, { name: "b" }, { name: "c" }], {
        a: rootKeys("agent-connection"),
        b: rootKeys("agent-commands"),
        c: rootKeys("agent-connection"),
      }),
    );
    expect(report.groups.map((group) => [group.cause, group.nodes])).toEqual([
      ["unhealthy: failing root-credentials, SSM agent: agent-connection", ["a", "c"]],
      ["unhealthy: failing root-credentials, SSM agent: agent-commands", ["b"]],
    ]);
  });

  it("exit 0 when all are healthy; 3 when no node could be asked, and every node is still listed", async () => {
    const all = await fleetSurvey(
      "whoami",
      {},
      fakeContext(),
      scriptedEngine([{ name: "a" }, { name: "b" }], { a: healthy, b: healthy }),
    );
    expect(fleetExitCode(all)).toBe(0);
    const down: FleetNode[] = [
      { name: "a", unavailable: "down", reason: "Slurm says DOWN" },
      { name: "b", unavailable: "drained", reason: "Slurm says IDLE+DRAIN" },
    ];
    const runs: string[][] = [];
    const none = await fleetSurvey("whoami", {}, fakeContext(), scriptedEngine(down, {}, runs));
    expect(fleetExitCode(none)).toBe(3);
    expect(runs).toEqual([["--", ...WHOAMI_ARGS]]);
    expect(none.nodes.map((node) => [node.name, node.status, node.reason])).toEqual([
      ["a", "down", "Slurm says DOWN"],
      ["b", "drained", "Slurm says IDLE+DRAIN"],
    ]);
  });

  it("a node that did not answer in time makes the report unhealthy, and is named", async () => {
    const report = await fleetSurvey(
      "diagnose",
      { timeout: "5" },
      fakeContext(),
      scriptedEngine([{ name: "a" }, { name: "b" }], { a: healthy }),
    );
    expect(fleetExitCode(report)).toBe(1);
    expect(renderFleet(report, style)).toMatch(
      /^ {2}– 1 node {2}b {2}no-answer: did not answer within 60 s$/m,
    );
  });

  it("keeps a progress line while nodes answer, and clears it", async () => {
    const lines: string[] = [];
    const ctx = fakeContext();
    const withProgress = { ...ctx, log: { ...ctx.log, progress: (line: string) => lines.push(line) } };
    await fleetSurvey(
      "whoami",
      {},
      withProgress,
      scriptedEngine([{ name: "a" }, { name: "b" }], { a: healthy, b: healthy }),
    );
    expect(lines).toEqual(["hpiam fleet: 0/2 nodes answered", "hpiam fleet: 2/2 nodes answered", ""]);
  });

  it("--region and --profile go to every node; nothing else of the caller does", async () => {
    const runs: string[][] = [];
    await fleetSurvey(
      "whoami",
      { region: "us-east-1", profile: "ops" },
      fakeContext({ env: { AWS_ACCESS_KEY_ID: "AKIAEXAMPLE" } }),
      scriptedEngine([{ name: "a" }], { a: healthy }, runs),
    );
    expect(runs).toEqual([
      ["a", "--", ...WHOAMI_ARGS.slice(0, -1), "--region", "us-east-1", "--profile", "ops", "--all-users"],
    ]);
  });

  it("refuses a timeout that is not whole seconds, and an --hpiam that is not an absolute path", async () => {
    expect(
      (await failure(fleetSurvey("whoami", { timeout: "1.5" }, fakeContext(), scriptedEngine([], {}))))
        .exitCode,
    ).toBe(2);
    expect((await failure(fleetSurvey("whoami", { hpiam: "bin/hpiam" }, fakeContext()))).message).toMatch(
      /^--hpiam: "bin\/hpiam" is not an absolute path/,
    );
  });
});

describe("fleet reads each node's document through the contract", () => {
  it("names a node whose document does not decode, with the field at fault, instead of calling it unknown", async () => {
    const renamed = { ...healthy, summary: { ...healthy.summary, status: "fine" } };
    const report = await fleetSurvey(
      "whoami",
      {},
      fakeContext(),
      scriptedEngine([{ name: "a" }, { name: "b" }], { a: healthy, b: renamed }),
    );
    const b = report.nodes[1];
    expect(b).toMatchObject({ status: "bad-document", finding: null, document: renamed });
    expect(b?.reason).toBe(
      `its diagnose document does not read as this hpiam's: summary.status: expected one of healthy, unhealthy, unknown, found "fine" (another version of hpiam there?)`,
    );
    expect(report.summary).toMatchObject({ status: "unhealthy", healthy: 1, unavailable: 1 });
    expect(fleetExitCode(report)).toBe(1);
    expect(renderFleet(report, style)).toMatch(
      /^– b +bad-document +— +its diagnose document does not read as this hpiam's: summary\.status: expected one of healthy, unhea…$/m,
    );
  });

  it("names a node where hpiam stopped with its error document, with that error", async () => {
    const stopped = {
      schemaVersion: 1,
      error: {
        code: "bad-aws-file",
        message: "/home/ubuntu/.aws/credentials cannot be parsed",
        hint: "Fix line 3.",
      },
    };
    const report = await fleetSurvey(
      "whoami",
      {},
      fakeContext(),
      scriptedEngine([{ name: "a" }], { a: stopped }),
    );
    expect(report.nodes[0]).toMatchObject({
      status: "error",
      reason:
        "hpiam diagnose stopped there (bad-aws-file): /home/ubuntu/.aws/credentials cannot be parsed Fix line 3.",
    });
    expect(fleetExitCode(report)).toBe(1);
  });

  it("reads diagnose documents as diagnose prints them: verdict, identity, key source, failing checks", async () => {
    const printed = async (ctx: ReturnType<typeof fakeNode>) =>
      JSON.parse(JSON.stringify(await diagnose({}, ctx))) as unknown;
    const documents = {
      a: await printed(fakeNode()),
      b: await printed(fakeNode({ identification: userKeys })),
    };
    const report = await fleetSurvey(
      "diagnose",
      {},
      fakeContext(),
      scriptedEngine([{ name: "a" }, { name: "b" }], documents),
    );
    expect(report.nodes.map((node) => node.finding)).toEqual([
      {
        verdict: "healthy",
        identity: "arn:aws:sts::123456789012:assumed-role/ExecRole/SageMaker",
        source: "the instance metadata service",
        accessKeyId: null,
        failing: [],
        sharedHome: null,
        agentImpact: null,
        rebootDue: null,
        reason: null,
      },
      {
        verdict: "overridden",
        identity: "arn:aws:iam::123456789012:user/alice",
        source: "static keys in /home/ubuntu/.aws/credentials [default]",
        accessKeyId: "AKIA…MPLE",
        failing: ["credential-source"],
        sharedHome: null,
        agentImpact: null,
        rebootDue: null,
        reason:
          "static keys in /home/ubuntu/.aws/credentials [default] (AKIA…MPLE, long-term) overrides the instance profile",
      },
    ]);
  });

  it("cuts a long reason in the table so it pads no other row; the JSON keeps it whole", async () => {
    const long = `srun: ${"x".repeat(450)}`;
    const nodes: FleetNode[] = [{ name: "a" }, { name: "b", unavailable: "down", reason: long }];
    const report = await fleetSurvey("whoami", {}, fakeContext(), scriptedEngine(nodes, { a: healthy }));
    expect(report.nodes[1]?.reason).toBe(long);
    const rows = renderFleet(report, style).split("\n\n")[0]?.split("\n") ?? [];
    expect(rows[2]).toMatch(/^– b +down +— +srun: x+…$/);
    for (const row of rows) expect(row.length).toBeLessThan(200);
  });

  it("shows why a broken node is broken in the table, not only in the JSON", async () => {
    const broken = diagnoseDocument(HEALTHY_WHOAMI);
    broken.summary = { ...broken.summary, status: "unhealthy", pass: 1, fail: 1 };
    broken.checks[0] = {
      id: "caller-identity",
      title: "Caller identity (STS)",
      status: "fail",
      message: "botocore stops: the config profile (ops) could not be found",
      remediation: "hpiam diagnose",
      details: { problem: "broken-chain", error: "profile-not-found", region: "us-west-2" },
    };
    const report = await fleetSurvey(
      "diagnose",
      {},
      fakeContext(),
      scriptedEngine([{ name: "a" }], { a: broken }),
    );
    expect(report.nodes[0]?.finding?.verdict).toBe("broken");
    expect(renderFleet(report, style)).toMatch(
      /^✖ a +broken +— +the instance metadata service — botocore stops: the config profile \(ops\) could not be found +caller-identity$/m,
    );
  });

  it("escapes what a node printed before it reaches the terminal", async () => {
    const identity = HEALTHY_WHOAMI.identity && {
      ...HEALTHY_WHOAMI.identity,
      arn: "arn:aws:sts::1:assumed-role/R/\u001b[2Jx",
    };
    const hostile = diagnoseDocument({ ...HEALTHY_WHOAMI, identity });
    const text = renderFleet(
      await fleetSurvey("whoami", {}, fakeContext(), scriptedEngine([{ name: "a" }], { a: hostile })),
      style,
    );
    expect(text).not.toContain("\u001b");
    expect(text).toContain("R/\\u001b[2Jx");
  });
});
