import { describe, expect, it } from "vitest";
import { fleetRecover, fleetRecoverExitCode } from "../../src/fleet/fleet-recover";
import { fakeContext, failure } from "../support/fake-context";
import { scriptedEngine } from "../support/fleet-engine";
import { HEALTHY_WHOAMI, recoverDocument } from "../support/fleet-documents";

const SHARED = "/fsx/home/ubuntu/.aws";
/** a and b share one home on FSx, c has its own keys, d has none. */
function cluster(runs: string[][], reboots: string[][]) {
  const homes: Record<string, string> = { a: SHARED, b: SHARED, c: "/home/c/.aws" };
  return scriptedEngine(
    ["a", "b", "c", "d"].map((name) => ({ name })),
    (name, args) => {
      const home = homes[name];
      if (args[0] === "whoami") return HEALTHY_WHOAMI;
      if (!home) return recoverDocument("nothing-to-do");
      return recoverDocument(args.includes("--dry-run") ? "planned" : "recovered", home);
    },
    runs,
    reboots,
  );
}

describe("fleet recover", () => {
  it("without a terminal, needs --yes: nothing runs on any node (exit 2); --nodes is required", async () => {
    const runs: string[][] = [];
    const refused = await failure(fleetRecover({ nodes: "a" }, fakeContext(), {}, cluster(runs, [])));
    expect(refused.exitCode).toBe(2);
    expect(runs).toEqual([]);
    expect(
      (await failure(fleetRecover({ yes: true }, fakeContext(), {}, cluster(runs, [])))).message,
    ).toMatch(/needs --nodes/);
  });

  it("--dry-run: every node's plan, the reboot it would ask for, and nothing carried out", async () => {
    const runs: string[][] = [];
    const reboots: string[][] = [];
    const report = await fleetRecover(
      { nodes: "a,b,c,d", dryRun: true },
      fakeContext(),
      {},
      cluster(runs, reboots),
    );
    expect(report.summary.status).toBe("planned");
    expect(fleetRecoverExitCode(report)).toBe(0);
    expect(runs).toEqual([["a", "b", "c", "d", "--", "recover", "--dry-run", "--json", "--all-users"]]);
    expect(reboots).toEqual([]);
    expect(report.reboot?.command.at(-1)).toBe("a,b,c");
    expect(report.sharedHomes).toEqual([{ path: SHARED, nodes: ["a", "b"], movedBy: null }]);
  });

  it("recovers a shared home on one node only, verifies the other afresh, and reboots the verified nodes", async () => {
    const runs: string[][] = [];
    const reboots: string[][] = [];
    const report = await fleetRecover(
      { nodes: "a,b,c,d", yes: true },
      fakeContext(),
      {},
      cluster(runs, reboots),
    );
    expect(runs.slice(1)).toEqual([
      ["a", "c", "--", "recover", "--yes", "--no-reboot", "--json", "--all-users"],
      ["b", "--", "whoami", "--json"],
    ]);
    expect(report.nodes.map((node) => [node.name, node.status, node.verified])).toEqual([
      ["a", "recovered", true],
      ["b", "recovered", true],
      ["c", "recovered", true],
      ["d", "nothing-to-do", false],
    ]);
    expect(report.nodes[1]?.reason).toMatch(/^one shared home, moved aside by a; using role ExecRole$/);
    expect(reboots).toEqual([["a", "b", "c"]]);
    expect(fleetRecoverExitCode(report)).toBe(0);
  });

  it("a reboot Slurm refuses makes the run failed (exit 1): the recovered nodes still hold the old keys", async () => {
    const engine = cluster([], []);
    const refusing = {
      ...engine,
      reboot: async () => ({
        command: ["scontrol"],
        ok: false,
        message: "scontrol reboot failed: RebootProgram isn't defined",
        refused: [],
      }),
    };
    const report = await fleetRecover({ nodes: "a,b,c,d", yes: true }, fakeContext(), {}, refusing);
    expect(report.reboot).toMatchObject({
      queued: false,
      message: "scontrol reboot failed: RebootProgram isn't defined",
    });
    expect(fleetRecoverExitCode(report)).toBe(1);
  });

  it("at a terminal, shows the plan and changes nothing when the answer is no", async () => {
    const runs: string[][] = [];
    const shown: string[] = [];
    const report = await fleetRecover(
      { nodes: "a,b,c,d" },
      fakeContext({ interactive: true }),
      { confirm: async (planned) => (shown.push(planned.summary.status), false) },
      cluster(runs, []),
    );
    expect(shown).toEqual(["planned"]);
    expect(runs).toHaveLength(1);
    expect(fleetRecoverExitCode(report)).toBe(2);
  });

  it("a node whose plan does not decode is named with why, not recovered, and the run is failed", async () => {
    const runs: string[][] = [];
    const renamed = { ...recoverDocument("planned", "/home/c/.aws"), outcome: "planned", result: undefined };
    const engine = scriptedEngine([{ name: "c" }], () => JSON.parse(JSON.stringify(renamed)), runs);
    const report = await fleetRecover({ nodes: "c", yes: true }, fakeContext(), {}, engine);
    expect(report.nodes[0]).toMatchObject({
      status: "bad-document",
      verified: false,
      reason: expect.stringMatching(/^its recover document does not read as this hpiam's: result: missing/),
    });
    expect(runs).toHaveLength(1);
    expect(report.summary.status).toBe("failed");
    expect(fleetRecoverExitCode(report)).toBe(1);
  });
});
