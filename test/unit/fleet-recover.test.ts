import { describe, expect, it } from "vitest";
import { fleetRecover, fleetRecoverExitCode } from "../../src/fleet/fleet-recover";
import { renderFleetRecover } from "../../src/fleet/render-fleet-recover";
import type { FleetEngine, FleetNode } from "../../src/fleet/model/engine";
import { type NodeRecovery, recoverRuns, sharedHomes } from "../../src/fleet/model/recover-outcomes";
import { plainStyle } from "../../src/output/style";
import { fakeContext, failure } from "../support/fake-context";
import { scriptedEngine } from "../support/fleet-engine";
import { WHOAMI_CHECKS } from "../../src/fleet/fleet";
import {
  diagnoseDocument,
  HEALTHY_WHOAMI,
  OVERRIDDEN_WHOAMI,
  recoverDocument,
} from "../support/fleet-documents";

/** What a node is asked afresh once another node recovered its home: fleet whoami's question. */
const ASKED_AFRESH = ["diagnose", "--json", "--checks", WHOAMI_CHECKS.join(","), "--all-users"];

const SHARED = "/fsx/home/ubuntu/.aws";
const FSX = { fsType: "lustre", source: "fs-0abc@tcp:/fsx", mountPoint: "/fsx", path: "/home/ubuntu/.aws" };

/** a and b share one home on FSx, c has its own keys, d has none. */
function cluster(runs: string[][], reboots: string[][]) {
  const homes: Record<string, string> = { a: SHARED, b: SHARED, c: "/home/c/.aws" };
  return scriptedEngine(
    ["a", "b", "c", "d"].map((name) => ({ name })),
    (name, args) => {
      const home = homes[name];
      if (args[0] === "diagnose") return diagnoseDocument(HEALTHY_WHOAMI);
      if (!home) return recoverDocument("nothing-to-do");
      const shared = home === SHARED ? { shared: FSX } : {};
      return recoverDocument(args.includes("--dry-run") ? "planned" : "recovered", home, shared);
    },
    runs,
    reboots,
  );
}

/** An engine whose reboot is refused for `refused` (Slurm refuses them all, with its words). */
function refusing(engine: FleetEngine, refused: string[], words: string): FleetEngine {
  return {
    ...engine,
    reboot: async (names, options) => {
      if (options?.dryRun || refused.length === 0) return engine.reboot(names, options);
      return {
        command: ["scontrol", "reboot", names.join(",")],
        ok: false,
        message: `scontrol reboot failed: ${words}`,
        refused: refused.map((node) => ({ node, reason: words })),
      };
    },
  };
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

  it("--dry-run: every node's plan (without its own reboot), the reboot it would ask for, nothing carried out", async () => {
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
    expect(runs).toEqual([
      ["a", "b", "c", "d", "--", "recover", "--dry-run", "--no-reboot", "--json", "--all-users"],
    ]);
    expect(reboots).toEqual([]);
    expect(report.reboot?.command.at(-1)).toBe("a,b,c");
    expect(report.sharedHomes).toEqual([
      {
        path: SHARED,
        fsType: "lustre",
        source: "fs-0abc@tcp:/fsx",
        mountPoint: "/fsx",
        nodes: ["a", "b"],
        movedBy: null,
        others: expect.stringMatching(
          /^nodes outside this run that mount it need a reboot: hpiam fleet recover --nodes <those nodes> --yes/,
        ),
      },
    ]);
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
      ["b", "--", ...ASKED_AFRESH],
    ]);
    expect(report.nodes.map((node) => [node.name, node.status, node.verified])).toEqual([
      ["a", "recovered", true],
      ["b", "recovered", true],
      ["c", "recovered", true],
      ["d", "nothing-to-do", false],
    ]);
    expect(report.nodes[1]?.reason).toBe(
      `its home ${SHARED} is on lustre (fs-0abc@tcp:/fsx): moved aside once, by a; healthy`,
    );
    expect(report.sharedHomes[0]?.movedBy).toBe("a");
    expect(reboots).toEqual([["a", "b", "c"]]);
    expect(report.rebootPending).toEqual([]);
    expect(fleetRecoverExitCode(report)).toBe(0);
  });

  it("local homes at one path (each node's own disk) are recovered on every node, in one run, each rebooted", async () => {
    const runs: string[][] = [];
    const reboots: string[][] = [];
    const engine = scriptedEngine(
      ["n1", "n2", "n3", "n4"].map((name) => ({ name })),
      (name, args) => {
        if (name === "n1") return recoverDocument("nothing-to-do");
        return recoverDocument(args.includes("--dry-run") ? "planned" : "recovered", "/home/ubuntu/.aws");
      },
      runs,
      reboots,
    );
    const report = await fleetRecover({ nodes: "n[1-4]", yes: true }, fakeContext(), {}, engine);
    expect(runs.slice(1)).toEqual([
      ["n2", "n3", "n4", "--", "recover", "--yes", "--no-reboot", "--json", "--all-users"],
    ]);
    expect(report.nodes.map((node) => [node.name, node.status, node.verified])).toEqual([
      ["n1", "nothing-to-do", false],
      ["n2", "recovered", true],
      ["n3", "recovered", true],
      ["n4", "recovered", true],
    ]);
    expect(report.sharedHomes).toEqual([]);
    expect(reboots).toEqual([["n2", "n3", "n4"]]);
  });

  it("a node with its own home and a shared one runs after the shared home's mover, for its own home", async () => {
    const runs: string[][] = [];
    const engine = scriptedEngine(
      ["a", "b"].map((name) => ({ name })),
      (name, args) => {
        const doc = recoverDocument(args.includes("--dry-run") ? "planned" : "recovered", SHARED, {
          shared: FSX,
        });
        const root = {
          ...doc.changedHomes[0]!,
          user: "root",
          home: "/root",
          awsDir: "/root/.aws",
          shared: false,
        };
        return name === "b" ? { ...doc, changedHomes: [...doc.changedHomes, root] } : doc;
      },
      runs,
    );
    const report = await fleetRecover({ nodes: "a,b", yes: true }, fakeContext(), {}, engine);
    expect(runs.slice(1)).toEqual([
      ["a", "--", "recover", "--yes", "--no-reboot", "--json", "--all-users"],
      ["b", "--", "recover", "--yes", "--no-reboot", "--json", "--all-users"],
    ]);
    expect(report.nodes.map((node) => node.verified)).toEqual([true, true]);
  });

  it("a reboot still due from an earlier run is found in the node's document, verified afresh, and queued", async () => {
    const runs: string[][] = [];
    const reboots: string[][] = [];
    const engine = scriptedEngine(
      [{ name: "a" }, { name: "b" }],
      (name, args) => {
        if (args[0] === "diagnose") return diagnoseDocument(HEALTHY_WHOAMI);
        return name === "a"
          ? recoverDocument("nothing-to-do", "/home/ubuntu/.aws", { rebootDue: "2026-11-23T11:00:00.000Z" })
          : recoverDocument("nothing-to-do");
      },
      runs,
      reboots,
    );
    const planned = await fleetRecover({ nodes: "a,b", dryRun: true }, fakeContext(), {}, engine);
    expect(planned.nodes[0]).toMatchObject({
      status: "planned",
      reason: expect.stringMatching(/^would reboot: the keys were moved aside at 2026-11-23T11:00:00.000Z/),
    });
    expect(planned.reboot?.nodes).toEqual(["a"]);
    const report = await fleetRecover({ nodes: "a,b", yes: true }, fakeContext(), {}, engine);
    expect(runs.at(-1)).toEqual(["a", "--", ...ASKED_AFRESH]);
    expect(report.nodes[0]).toMatchObject({ status: "recovered", verified: true });
    expect(reboots).toEqual([["a"]]);
    expect(report.summary.status).toBe("recovered");
    expect(fleetRecoverExitCode(report)).toBe(0);
  });

  /** One node that owes a reboot from an earlier run, answering `afresh` when it is asked afresh. */
  const owingReboot = (afresh: ReturnType<typeof diagnoseDocument>, reboots: string[][]) =>
    scriptedEngine(
      [{ name: "a" }],
      (_, args) =>
        args[0] === "diagnose"
          ? afresh
          : recoverDocument("nothing-to-do", "/home/ubuntu/.aws", { rebootDue: "2026-11-23T11:00:00.000Z" }),
      [],
      reboots,
    );

  it("a due reboot whose node is not healthy afresh is not made, and the node still waits for it", async () => {
    const reboots: string[][] = [];
    const engine = owingReboot(diagnoseDocument(OVERRIDDEN_WHOAMI), reboots);
    const report = await fleetRecover({ nodes: "a", yes: true }, fakeContext(), {}, engine);
    expect(report.nodes[0]).toMatchObject({ status: "failed", verified: false });
    expect(report.rebootPending).toEqual([
      { node: "a", reason: expect.stringMatching(/^not verified: reboot/) },
    ]);
    expect(reboots).toEqual([]);
    expect(fleetRecoverExitCode(report)).toBe(1);
  });

  it("a node asked afresh is what every user there signs as: another user's keys keep it unverified", async () => {
    const reboots: string[][] = [];
    const aliceKeys = { status: "warn", message: "alice: static keys in ~/.aws/credentials" } as const;
    const engine = owingReboot(diagnoseDocument(HEALTHY_WHOAMI, aliceKeys), reboots);
    const report = await fleetRecover({ nodes: "a", yes: true }, fakeContext(), {}, engine);
    expect(report.nodes[0]).toMatchObject({
      status: "failed",
      verified: false,
      reason: expect.stringContaining("alice: static keys in ~/.aws/credentials"),
    });
    expect(reboots).toEqual([]);
  });

  it("a reboot Slurm refuses makes the run failed (exit 1), and every node refused still waits for it", async () => {
    const engine = refusing(cluster([], []), ["a", "b", "c"], "RebootProgram isn't defined");
    const report = await fleetRecover({ nodes: "a,b,c,d", yes: true }, fakeContext(), {}, engine);
    expect(report.reboot).toMatchObject({
      queued: false,
      message: "scontrol reboot failed: RebootProgram isn't defined",
    });
    expect(report.rebootPending.map((pending) => pending.node)).toEqual(["a", "b", "c"]);
    expect(renderFleetRecover(report, plainStyle)).toContain(
      "✖ a still waits for its reboot: RebootProgram isn't defined",
    );
    expect(fleetRecoverExitCode(report)).toBe(1);
  });

  it("a dry run with a drained node plans for the others and names the drained one as not asked", async () => {
    const nodes: FleetNode[] = [
      { name: "a" },
      { name: "c" },
      { name: "e", unavailable: "drained", reason: "Slurm says DRAINED: maintenance" },
    ];
    const base = cluster([], []);
    const engine = { ...base, listNodes: async () => nodes };
    const report = await fleetRecover({ nodes: "a,c,e", dryRun: true }, fakeContext(), {}, engine);
    expect(report.summary).toEqual({ status: "planned", nodes: 3, notAsked: ["e"] });
    expect(fleetRecoverExitCode(report)).toBe(0);
    const text = renderFleetRecover(report, plainStyle);
    expect(text).toMatch(/^– e +drained +Slurm says DRAINED: maintenance$/m);
    expect(text.trimEnd().split("\n").at(-1)).toBe(
      "• planned  3 nodes: nothing changed (--dry-run); not asked: e",
    );
    // Carried out, the drained node is not recovered: the run is not a success.
    const done = await fleetRecover({ nodes: "a,c,e", yes: true }, fakeContext(), {}, engine);
    expect(done.summary.status).toBe("failed");
  });

  it("cuts a node's long reason in the table to one readable line; the JSON keeps it whole", async () => {
    const long = `Slurm says DRAINED: ${"x".repeat(280)}`;
    const nodes: FleetNode[] = [{ name: "a" }, { name: "e", unavailable: "drained", reason: long }];
    const engine = { ...cluster([], []), listNodes: async () => nodes };
    const report = await fleetRecover({ nodes: "a,e", dryRun: true }, fakeContext(), {}, engine);
    expect(long).toHaveLength(300);
    expect(report.nodes[1]?.reason).toBe(long);
    const row = renderFleetRecover(report, plainStyle)
      .split("\n")
      .find((line) => line.startsWith("– e"));
    expect(row).toMatch(/^– e +drained +Slurm says DRAINED: x+…$/);
    expect(row?.length).toBeLessThan(150);
  });

  it("a plan that would be refused, or an error document, gets no green tick and the dry run is failed", async () => {
    const engine = scriptedEngine([{ name: "a" }, { name: "b" }], (name) => {
      if (name === "b")
        return { schemaVersion: 1, error: { code: "lock-unwritable", message: "cannot write the lock" } };
      const plan = recoverDocument("planned", "/home/ubuntu/.aws");
      return {
        ...plan,
        reason: "would move ~/.aws aside; as it stands it would be refused: no terminal",
        blockers: [{ code: "needs-yes", message: "no terminal", hint: "add --yes" }],
      };
    });
    const report = await fleetRecover({ nodes: "a,b", dryRun: true }, fakeContext(), {}, engine);
    expect(report.nodes.map((node) => node.status)).toEqual(["refused", "error"]);
    const text = renderFleetRecover(report, plainStyle);
    expect(text).not.toContain("✔");
    expect(report.summary.status).toBe("failed");
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

describe("who runs recover: one mover per shared filesystem object, every node for its own disk", () => {
  const plan = (changes: NodeRecovery["changes"], rebootDue: string | null = null): NodeRecovery => ({
    answer: { name: "x" },
    status: changes.length ? "planned" : "nothing-to-do",
    reason: null,
    verified: false,
    healthy: false,
    changes,
    rebootDue,
  });
  const local = (awsDir: string) => ({ awsDir, shared: null });
  const onFsx = (mountPoint: string) => ({
    awsDir: `${mountPoint}/home/ubuntu/.aws`,
    shared: { ...FSX, mountPoint },
  });

  it("one FSx home mounted at two paths is one object; local homes at one path are each node's own", () => {
    const plans = new Map([
      ["n1", plan([onFsx("/fsx")])],
      ["n2", plan([onFsx("/mnt/fsx")])],
      ["n3", plan([local("/home/ubuntu/.aws")])],
      ["n4", plan([local("/home/ubuntu/.aws")])],
      ["n5", plan([onFsx("/fsx"), local("/root/.aws")])],
      ["n6", plan([], "2026-11-23T11:00:00.000Z")],
      ["n7", plan([])],
    ]);
    expect(recoverRuns([...plans.keys()], plans)).toEqual({
      waves: [["n1", "n3", "n4"], ["n5"]],
      rechecks: ["n2", "n6"],
    });
    expect(sharedHomes(plans, new Map(), "others").map((home) => [home.path, home.nodes])).toEqual([
      ["/fsx/home/ubuntu/.aws", ["n1", "n2", "n5"]],
    ]);
  });
});
