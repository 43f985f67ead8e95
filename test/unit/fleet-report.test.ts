import { describe, expect, it } from "vitest";
import { fleetExitCode, fleetSurvey } from "../../src/commands/fleet";
import type { FleetNode } from "../../src/fleet/engine";
import { renderFleet } from "../../src/render/fleet";
import { createStyle } from "../../src/render/style";
import { fakeContext, failure } from "../support/fake-context";
import { HEALTHY_WHOAMI as healthy, OVERRIDDEN_WHOAMI as overridden } from "../support/fleet-documents";
import { scriptedEngine } from "../support/fleet-engine";

const style = createStyle({ color: false, env: {}, isTTY: false });

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
      "overridden: signs as arn:aws:iam::123456789012:user/alice, from static keys in /fsx/home/ubuntu/.aws/credentials [default], AKIA…WXYZ",
    );
    expect(fleetExitCode(report)).toBe(1);
    const text = renderFleet(report, style);
    expect(text.split("\n").filter((line) => /^[✔✖–] worker-\d+ /.test(line))).toHaveLength(2000);
  });

  it("tells nodes apart by what root's keys break on their SSM agent (diagnose's root-credentials)", async () => {
    const rootKeys = (agentImpact: string) => ({
      schemaVersion: 1,
      summary: { status: "unhealthy" },
      checks: [{ id: "root-credentials", status: "fail", details: { agentImpact } }],
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
    expect(runs).toEqual([["--", "whoami", "--json"]]);
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
    expect(runs).toEqual([["a", "--", "whoami", "--json", "--region", "us-east-1", "--profile", "ops"]]);
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
