import { execa } from "execa";
import { readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { FleetReport } from "../../src/fleet/fleet";
import type { FleetRecoverReport } from "../../src/fleet/fleet-recover";
import { LEAKED_USER } from "../support/aws-world";
import { stopProcess, waitFor } from "../support/processes";
import { expectNoSecrets, STACK } from "../support/simulated-node";
import { useSlurmFleet } from "../support/slurm-fleet";

// A real Slurm cluster (munged, slurmctld, five slurmd) on this machine; see test/support/slurm-fleet.ts.
describe("hpiam fleet on a real Slurm cluster", () => {
  const fleet = useSlurmFleet();
  const sharedAws = () => join(fleet.homes.n2 ?? "", ".aws");
  const nodeState = async (node: string) =>
    (await fleet.cluster.client(["sinfo", "-h", "-N", "-n", node, "-o", "%T"])).stdout.trim();
  const row = (stdout: string, node: string) =>
    stdout.split("\n").find((line) => line.startsWith(`${node} `, 2)) ?? "";

  it("diagnose reports every node in its own environment, grouped by cause, the down node named", async () => {
    // The caller's shell holds the leaked keys: with srun's default they would reach every node.
    const { accessKeyId, secretAccessKey } = fleet.node.world.leakedKey;
    const result = await fleet.fleet(["diagnose"], {
      AWS_ACCESS_KEY_ID: accessKeyId,
      AWS_SECRET_ACCESS_KEY: secretAccessKey,
    });
    expectNoSecrets(fleet.node, result);
    expect(result.exitCode, result.stderr).toBe(1);
    expect(row(result.stdout, "n1")).toMatch(
      /^✔ n1 +healthy +assumed-role\/.*\/SageMaker +the instance metadata service$/,
    );
    for (const node of ["n2", "n3"]) {
      expect(row(result.stdout, node)).toMatch(
        new RegExp(
          `^✖ ${node} +overridden +user/${LEAKED_USER} +static keys in .*credentials \\[default\\] AKIA…\\w{4} +credential-source,aws-files`,
        ),
      );
    }
    expect(row(result.stdout, "n4")).toMatch(/^✖ n4 +no-credentials .* caller-identity,instance-profile/);
    expect(row(result.stdout, "n5")).toMatch(/^– n5 +down .* Slurm says DOWN: disk failure$/);
    expect(result.stdout).toMatch(
      /^ {2}✖ 2 nodes {2}n\[2-3\] {2}overridden: signs as arn:aws:iam::\d+:user\/alice, .* — one shared home \(.*\/fsx\)/m,
    );
    expect(result.stdout).toMatch(/^ {2}– 1 node {2}n5 {2}down: Slurm says DOWN: disk failure$/m);
    expect(result.stdout.trimEnd().split("\n").at(-1)).toBe(
      "✖ unhealthy  5 nodes: 1 healthy, 3 not healthy, 1 without an answer",
    );
    expect(result.stderr).toBe(""); // no progress line when stderr is not a terminal
  });

  it("--json is one document: the engine's command, each node's own document, the groups, a summary", async () => {
    const result = await fleet.fleet(["whoami", "--json", "--nodes", "n[1-2],n5"]);
    expect(result.exitCode).toBe(1);
    const report = JSON.parse(result.stdout) as FleetReport;
    expect(report.schemaVersion).toBe(1);
    expect(report.engine.name).toBe("slurm");
    expect(report.engine.command).toEqual(
      expect.arrayContaining(["srun", "--nodelist=n1,n2", "--ntasks-per-node=1", "--label"]),
    );
    expect(report.engine.command.find((arg) => arg.startsWith("--export="))).toBe(
      "--export=PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
    );
    expect(report.nodes.map((node) => [node.name, node.status, node.finding?.verdict ?? null])).toEqual([
      ["n1", "answered", "healthy"],
      ["n2", "answered", "overridden"],
      ["n5", "down", null],
    ]);
    expect(report.nodes[1]?.document).toMatchObject({
      schemaVersion: 1,
      verdict: { status: "overridden" },
      identity: { name: LEAKED_USER },
    });
    expect(report.groups.map((group) => [group.verdict, group.nodelist])).toEqual([
      ["overridden", "n2"],
      ["down", "n5"],
      ["healthy", "n1"],
    ]);
    expect(report.summary).toEqual({
      status: "unhealthy",
      nodes: 3,
      answered: 2,
      healthy: 1,
      unhealthy: 1,
      unavailable: 1,
    });
  });

  it("exit 0 when every node named is healthy, 3 when no node could be asked", async () => {
    const healthy = await fleet.fleet(["whoami", "--partition", "main", "--nodes", "n1"]);
    expect(healthy.exitCode, healthy.stdout + healthy.stderr).toBe(0);
    expect(healthy.stdout.trimEnd().split("\n").at(-1)).toBe("✔ healthy  1 of 1 nodes");
    const down = await fleet.fleet(["whoami", "--nodes", "n5"]);
    expect(down.exitCode).toBe(3);
    expect(down.stdout).toContain("down: Slurm says DOWN: disk failure");
  });

  it("bad input is one line and exit 2", async () => {
    for (const args of [
      ["whoami", "--nodes", "n[1-"],
      ["diagnose", "--timeout", "soon"],
      ["whoami", "--hpiam", "hpiam"],
      ["whoami", "--partition", "gpu"],
    ]) {
      const result = await fleet.fleet(args);
      expect(result.exitCode, args.join(" ")).toBe(2);
      expect(result.stdout).toBe("");
      expect(result.stderr).not.toMatch(STACK);
      expect(result.stderr.split("\n")[0]).toMatch(/^hpiam: --(nodes|timeout|hpiam|partition): /);
    }
  });

  it("a busy node is listed as busy, not waited for; the others answer", async () => {
    const job = execa("srun", ["--nodelist=n1", "-N", "1", "sleep", "60"], {
      env: fleet.cluster.env,
      extendEnv: false,
      reject: false,
    });
    try {
      await waitFor(async () => (await nodeState("n1")) === "allocated", 20_000, "n1 allocated");
      const result = await fleet.fleet(["whoami", "--nodes", "n[1-2]"]);
      expect(result.exitCode).toBe(1);
      expect(row(result.stdout, "n1")).toMatch(
        /^– n1 +busy .* Slurm says ALLOCATED: every CPU is in use by jobs$/,
      );
      expect(row(result.stdout, "n2")).toMatch(/^✖ n2 +overridden/);
    } finally {
      await stopProcess(job);
    }
    await waitFor(async () => (await nodeState("n1")) === "idle", 20_000, "n1 idle again");
  });

  it("a node that does not answer in time is named, and so is one whose hpiam printed no document", async () => {
    const slow = join(fleet.cluster.dir, "slow-hpiam");
    await writeFile(slow, "#!/bin/sh\nexec sleep 60\n", { mode: 0o755 });
    const late = await fleet.fleet(["whoami", "--nodes", "n1", "--timeout", "2", "--hpiam", slow]);
    expect(late.exitCode).toBe(1);
    expect(row(late.stdout, "n1")).toMatch(/^– n1 +no-answer .* did not answer within 2 s$/);
    const other = await fleet.fleet(["whoami", "--nodes", "n2", "--hpiam", "/bin/echo"]);
    expect(row(other.stdout, "n2")).toMatch(
      /^– n2 +not-hpiam .* hpiam there printed something that is not JSON: whoami --json$/,
    );
    await waitFor(async () => (await nodeState("n1")) === "idle", 20_000, "n1 idle again");
  });

  it("recover without a terminal needs --yes; --dry-run shows every node's plan and changes nothing", async () => {
    const refused = await fleet.fleet(["recover", "--nodes", "n[2-4]"]);
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toMatch(/^hpiam: fleet recover .* needs --yes/);
    const planned = await fleet.fleet(["recover", "--nodes", "n[2-4]", "--dry-run"]);
    expect(planned.exitCode, planned.stdout).toBe(0);
    expect(row(planned.stdout, "n2")).toMatch(/planned +would move ~\/\.aws aside/);
    expect(row(planned.stdout, "n4")).toMatch(/nothing-to-do/);
    expect(planned.stdout).toContain(`one shared home: ${sharedAws()}, used by n2, n3`);
    expect(planned.stdout).toContain(
      'would then run  scontrol reboot ASAP nextstate=resume "reason=hpiam recover" n[2-3]',
    );
    expect(await readdir(sharedAws())).toContain("credentials");
    expect(await fleet.cluster.reboots()).toEqual([]);
  });

  it("recover --yes moves the shared home aside once, verifies both nodes and queues their reboot with scontrol", async () => {
    const result = await fleet.fleet(["recover", "--nodes", "n[2-4]", "--yes", "--json"]);
    expectNoSecrets(fleet.node, result);
    expect(result.exitCode, result.stdout).toBe(0);
    const report = JSON.parse(result.stdout) as FleetRecoverReport;
    expect(report.nodes.map((node) => [node.name, node.status, node.verified])).toEqual([
      ["n2", "recovered", true],
      ["n3", "recovered", true],
      ["n4", "nothing-to-do", false],
    ]);
    expect(report.sharedHomes).toEqual([{ path: sharedAws(), nodes: ["n2", "n3"], movedBy: "n2" }]);
    expect(report.reboot).toMatchObject({ nodes: ["n2", "n3"], queued: true });
    expect(report.reboot?.command).toEqual([
      "scontrol",
      "reboot",
      "ASAP",
      "nextstate=resume",
      "reason=hpiam recover",
      "n[2-3]",
    ]);
    const home = await readdir(fleet.homes.n2 ?? "");
    expect(home.filter((name) => name.startsWith(".aws.hpiam-backup-"))).toHaveLength(1);
    expect(home).not.toContain(".aws");
    // Slurm ran the RebootProgram on both nodes; it restarts their slurmd, and they return to service.
    await waitFor(
      async () => (await fleet.cluster.reboots()).sort().join() === "n2,n3",
      30_000,
      "the reboots",
    );
    await waitFor(
      async () =>
        /^n2 idle\nn3 idle$/.test(
          (await fleet.cluster.client(["sinfo", "-h", "-N", "-n", "n[2-3]", "-o", "%N %T"])).stdout,
        ),
      30_000,
      "n2 and n3 back in service",
    );
    const after = await fleet.fleet(["diagnose", "--nodes", "n[1-3]"]);
    expect(after.exitCode, after.stdout).toBe(0);
    expect(after.stdout).toMatch(/^ {2}✔ 3 nodes {2}n\[1-3\] {2}healthy/m);
  });
});
