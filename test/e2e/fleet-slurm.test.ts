import { execa } from "execa";
import { appendFile, mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { FleetReport } from "../../src/fleet/fleet";
import type { FleetRecoverReport } from "../../src/fleet/fleet-recover";
import { LEAKED_USER } from "../support/aws-world";
import { stopProcess, waitFor } from "../support/processes";
import { expectNoSecrets, STACK } from "../support/simulated-node";
import { CLI } from "../support/cli";
import { configureIn, useSlurmFleet } from "../support/slurm-fleet";

/** A node's line of a fleet table (after its mark). */
const row = (stdout: string, node: string) =>
  stdout.split("\n").find((line) => line.startsWith(`${node} `, 2)) ?? "";

// A real Slurm cluster (munged, slurmctld, five slurmd) on this machine; see test/support/slurm-fleet.ts.
describe("hpiam fleet on a real Slurm cluster", () => {
  const fleet = useSlurmFleet();
  const sharedAws = () => join(fleet.homes.n2 ?? "", ".aws");
  const nodeState = async (node: string) =>
    (await fleet.cluster.client(["sinfo", "-h", "-N", "-n", node, "-o", "%T"])).stdout.trim();

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
    // The node's own diagnose of its identity and of every user's keys, as it printed it.
    expect(report.nodes[1]?.document).toMatchObject({
      schemaVersion: 1,
      summary: { status: "unhealthy" },
      checks: expect.arrayContaining([
        expect.objectContaining({
          id: "caller-identity",
          details: expect.objectContaining({ name: LEAKED_USER }),
        }),
        expect.objectContaining({ id: "credential-source", status: "fail" }),
        expect.objectContaining({ id: "other-users" }),
      ]),
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
      /^– n2 +not-hpiam .* hpiam there printed something that is not JSON: diagnose --json --checks caller-identity,/,
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
    expect(planned.stdout).toMatch(
      new RegExp(
        `^one shared home: ${sharedAws()} on lustre fsx@tcp:/fsx \\(.*/fsx\\), used by n2, n3$`,
        "m",
      ),
    );
    expect(planned.stdout).toContain(
      'would then run  scontrol reboot ASAP nextstate=resume "reason=hpiam recover" n[2-3]',
    );
    expect(await readdir(sharedAws())).toContain("credentials");
    expect(await fleet.cluster.reboots()).toEqual([]);
  });

  it("at a terminal, Ctrl-C at the question is a refusal: exit 2, one line, no stack, nothing changed", async () => {
    // `script` gives hpiam a terminal; its input reaches the prompt as keys.
    const child = execa(
      "script",
      ["-qefc", `'${process.execPath}' '${CLI}' fleet recover --nodes 'n[2-3]'`, "/dev/null"],
      {
        env: { ...fleet.cluster.env, NO_COLOR: "1", LANG: "C.UTF-8", TERM: "dumb" },
        extendEnv: false,
        reject: false,
        stdin: "pipe",
      },
    );
    let seen = "";
    let asked = false;
    child.stdout?.on("data", (chunk: Buffer) => {
      seen += chunk.toString("utf8");
      if (!asked && /Recover these nodes/.test(seen)) {
        asked = true;
        child.stdin?.write("\u0003");
      }
    });
    const result = await child;
    expect(result.exitCode, seen).toBe(2);
    expect(seen).toMatch(/hpiam fleet recover will:/);
    expect(seen).not.toContain("(--dry-run)");
    expect(seen).toMatch(/– refused {2}nothing changed/);
    expect(seen).not.toMatch(/unexpected|ExitPromptError/);
    expect(seen).not.toMatch(STACK);
    expect(seen.match(/planned +would move/g)).toHaveLength(2); // the plan once, not again after the answer
    expect(await readdir(sharedAws())).toContain("credentials");
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
    expect(report.sharedHomes).toMatchObject([
      { path: sharedAws(), fsType: "lustre", source: "fsx@tcp:/fsx", nodes: ["n2", "n3"], movedBy: "n2" },
    ]);
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

  it("every user's keys count: ubuntu's keys on n1 make it not healthy in whoami and diagnose, as recover plans", async () => {
    await configureIn(fleet.node, fleet.ubuntuHomes.n1 ?? "");
    try {
      for (const command of ["whoami", "diagnose"]) {
        const result = await fleet.fleet([command, "--nodes", "n1,n4", "--json"]);
        const report = JSON.parse(result.stdout) as FleetReport;
        expect(report.engine.command, command).toContain("--all-users");
        const n1 = report.nodes[0];
        expect(n1?.finding?.verdict, command).toBe("unhealthy");
        expect(n1?.finding?.identity, command).toMatch(/assumed-role\/.*\/SageMaker$/);
        expect(n1?.finding?.failing, command).toContain("other-users");
        expect(n1?.reason, command).toMatch(/^ubuntu: .*\.aws\/credentials/);
        expect(report.nodes[1]?.finding?.failing ?? [], command).not.toContain("other-users");
      }
      const table = await fleet.fleet(["whoami", "--nodes", "n1"]);
      expect(row(table.stdout, "n1")).toMatch(
        /^✖ n1 +unhealthy +assumed-role\/.*\/SageMaker +the instance metadata service — ubuntu: .*other-users$/,
      );
      const plan = await fleet.fleet(["recover", "--nodes", "n1,n4", "--dry-run", "--json"]);
      const planned = JSON.parse(plan.stdout) as FleetRecoverReport;
      expect(planned.nodes.map((node) => [node.name, node.status])).toEqual([
        ["n1", "planned"],
        ["n4", "nothing-to-do"],
      ]);
      // The srun job hpiam runs in on n1 is not one a reboot would kill.
      const document = planned.nodes[0]?.document as {
        reboot: { slurm: unknown };
        blockers: Array<{ code: string }>;
      };
      expect(document.reboot.slurm).toEqual({ node: "n1", runningJobs: 0 });
      expect(document.blockers.map((blocker) => blocker.code)).not.toContain("slurm-jobs");
    } finally {
      await rm(join(fleet.ubuntuHomes.n1 ?? "", ".aws"), { recursive: true, force: true });
    }
  });

  it("runs a step per partition: nodes outside the default partition answer; --partition goes to srun", async () => {
    await fleet.cluster.client(["scontrol", "update", "PartitionName=main", "Nodes=n1,n2,n3,n5"]);
    await fleet.cluster.client(["scontrol", "create", "PartitionName=side", "Nodes=n4", "State=UP"]);
    try {
      const both = await fleet.fleet(["whoami", "--nodes", "n1,n4", "--json"]);
      const report = JSON.parse(both.stdout) as FleetReport;
      expect(report.nodes.map((node) => [node.name, node.status])).toEqual([
        ["n1", "answered"],
        ["n4", "answered"],
      ]);
      const side = await fleet.fleet(["whoami", "--partition", "side", "--json", "--verbose"]);
      expect((JSON.parse(side.stdout) as FleetReport).engine.command).toContain("--partition=side");
      expect(side.stderr).toMatch(/^hpiam: srun step: srun --partition=side --nodelist=n4 /m);
    } finally {
      await fleet.cluster.client(["scontrol", "delete", "PartitionName=side"]);
      await fleet.cluster.client(["scontrol", "update", "PartitionName=main", "Nodes=n1,n2,n3,n4,n5"]);
    }
  });

  it("a node in a maintenance reservation is asked apart, in its reservation; the others answer", async () => {
    const created = await fleet.cluster.client([
      "scontrol",
      "create",
      "reservation",
      "ReservationName=maint",
      "StartTime=now",
      "Duration=60",
      "Nodes=n4",
      "Users=root",
      "Flags=MAINT,IGNORE_JOBS",
    ]);
    expect(created.exitCode, created.stderr).toBe(0);
    try {
      const result = await fleet.fleet(["whoami", "--nodes", "n1,n4", "--json", "--verbose"]);
      const report = JSON.parse(result.stdout) as FleetReport;
      expect(report.nodes.map((node) => [node.name, node.status])).toEqual([
        ["n1", "answered"],
        ["n4", "answered"],
      ]);
      expect(result.stderr).toMatch(/srun step: srun --partition=main --reservation=maint --nodelist=n4 /);
    } finally {
      await fleet.cluster.client(["scontrol", "delete", "ReservationName=maint"]);
    }
  });

  it("run from inside a Slurm job (salloc): the other nodes in an allocation of its own, the job's own node in a step of it", async () => {
    const result = await execa(
      "salloc",
      [
        "--nodelist=n4",
        "-N",
        "1",
        "--immediate=20",
        process.execPath,
        CLI,
        "fleet",
        "whoami",
        "--nodes",
        "n1,n2,n4",
        "--json",
        "--verbose",
      ],
      { env: { ...fleet.cluster.env, NO_COLOR: "1" }, extendEnv: false, reject: false },
    );
    const report = JSON.parse(result.stdout) as FleetReport;
    expect(report.engine.command.slice(0, 3)).toEqual(["env", "-u", expect.stringMatching(/^SLURM_/)]);
    expect(report.nodes.map((node) => [node.name, node.status])).toEqual([
      ["n1", "answered"],
      ["n2", "answered"],
      ["n4", "answered"],
    ]);
    expect(result.stderr).toMatch(/srun step: env -u .* srun --jobid=\d+ --overlap --nodelist=n4 /);
    await waitFor(async () => (await nodeState("n4")) === "idle", 60_000, "n4 idle again");
  });

  it("one hanging node does not take the others' answers: each failed node keeps its own reason", async () => {
    const mixed = join(fleet.cluster.dir, "mixed-hpiam");
    await writeFile(
      mixed,
      [
        "#!/bin/sh",
        'case "$(hostname)" in',
        "  n1) exec sleep 60 ;;",
        "  n2) echo 'hpiam: out of memory' >&2; exit 3 ;;",
        `  n3) HOME=relative exec '${process.execPath}' '${CLI}' recover --dry-run --json ;;`,
        `  *) exec '${process.execPath}' '${CLI}' "$@" ;;`,
        "esac",
        "",
      ].join("\n"),
      { mode: 0o755 },
    );
    const result = await fleet.fleet(["whoami", "--nodes", "n[1-4]", "--timeout", "8", "--hpiam", mixed]);
    expect(row(result.stdout, "n1")).toMatch(/^– n1 +no-answer .* did not answer within 8 s$/);
    expect(row(result.stdout, "n2")).toMatch(
      /^– n2 +not-hpiam .* hpiam there printed nothing; stderr: hpiam: out of memory$/,
    );
    expect(row(result.stdout, "n3")).toMatch(
      /^– n3 +error .* hpiam diagnose stopped there \(relative-home\): HOME is not an/,
    );
    expect(row(result.stdout, "n4")).toMatch(/^✖ n4 +no-credentials/);
    await waitFor(async () => (await nodeState("n1")) === "idle", 30_000, "n1 idle again");
  });

  it("finds the document after a TaskProlog's print and a MOTD with braces", async () => {
    const envFile = join(fleet.cluster.dir, "env-n1");
    const before = await readFile(envFile, "utf8");
    await appendFile(envFile, "print Welcome to {hpiamtest} node n1\nprint {\n");
    try {
      const result = await fleet.fleet(["whoami", "--nodes", "n1"]);
      expect(result.exitCode, result.stdout).toBe(0);
      expect(row(result.stdout, "n1")).toMatch(/^✔ n1 +healthy/);
    } finally {
      await writeFile(envFile, before);
    }
  });
});

// HyperPod's own layout: /home/ubuntu on each node's own disk (one path, a bind in each slurmd's mount namespace),
// keys configured on n2, n3 and n4; n5 drained; an FSx-like home on Lustre that any node can be given.
describe("hpiam fleet recover with local homes at one path, on a real Slurm cluster", () => {
  const fleet = useSlurmFleet("local");
  const recoverJson = async (args: string[], extraEnv: Record<string, string> = {}) => {
    const result = await fleet.fleet(["recover", "--json", ...args], extraEnv);
    expectNoSecrets(fleet.node, result);
    return { ...result, report: JSON.parse(result.stdout || "{}") as FleetRecoverReport };
  };
  const states = async (nodes: string) =>
    (await fleet.cluster.client(["sinfo", "-h", "-N", "-n", nodes, "-o", "%N %T"])).stdout.trim();
  /** The RebootProgram ran on these nodes (again), and they are back in service. */
  const rebooted = async (nodes: string[], before: number) => {
    await waitFor(
      async () => (await fleet.cluster.reboots()).slice(before).sort().join() === nodes.join(),
      30_000,
      `the reboot of ${nodes.join(",")}`,
    );
    await waitFor(
      async () => (await states(nodes.join(","))).split("\n").every((line) => line.endsWith(" idle")),
      30_000,
      `${nodes.join(",")} back in service`,
    );
  };
  const statuses = (report: FleetRecoverReport) =>
    report.nodes.map((node) => [node.name, node.status, node.verified]);
  const backups = async (home: string) =>
    (await readdir(home)).filter((name) => name.startsWith(".aws.hpiam-backup-"));

  it("a dry run with a drained node plans for the others, each local home its own, and is no failure", async () => {
    const result = await fleet.fleet(["recover", "--nodes", "n[1-5]", "--dry-run"]);
    expect(result.exitCode, result.stdout).toBe(0);
    for (const node of ["n2", "n3", "n4"])
      expect(row(result.stdout, node)).toMatch(/^✔ n\d +planned +would move ~\/\.aws aside/);
    expect(row(result.stdout, "n5")).toMatch(/^– n5 +drained .*maintenance/);
    expect(result.stdout).not.toContain("one shared home");
    expect(result.stdout).toContain(
      'would then run  scontrol reboot ASAP nextstate=resume "reason=hpiam recover" n[2-4]',
    );
    expect(result.stdout.trimEnd().split("\n").at(-1)).toBe(
      "• planned  5 nodes: nothing changed (--dry-run); not asked: n5",
    );
  });

  it("recovers n2, n3 and n4 in one run, each on its own disk, and reboots all three; a rerun has nothing to do", async () => {
    const before = (await fleet.cluster.reboots()).length;
    const { exitCode, report, stdout } = await recoverJson(["--nodes", "n[1-4]", "--yes"]);
    expect(exitCode, stdout).toBe(0);
    expect(statuses(report)).toEqual([
      ["n1", "nothing-to-do", false],
      ["n2", "recovered", true],
      ["n3", "recovered", true],
      ["n4", "recovered", true],
    ]);
    expect(report.sharedHomes).toEqual([]);
    expect(report.reboot).toMatchObject({ nodes: ["n2", "n3", "n4"], queued: true });
    for (const node of ["n2", "n3", "n4"]) {
      const home = fleet.homes[node] ?? "";
      expect(await backups(home), node).toHaveLength(1);
      expect(await readdir(home), node).not.toContain(".aws");
    }
    await rebooted(["n2", "n3", "n4"], before);
    const again = await recoverJson(["--nodes", "n[1-4]", "--yes"]);
    expect(again.exitCode, again.stdout).toBe(0);
    expect(again.report.summary.status).toBe("nothing-to-do");
    expect(again.report.reboot).toBeNull();
  });

  it("a reboot scontrol refuses is still due: the node says so, and a rerun once RebootProgram is defined queues it", async () => {
    await fleet.configure(fleet.homes.n2 ?? "");
    await fleet.cluster.defineRebootProgram(false);
    const before = (await fleet.cluster.reboots()).length;
    try {
      const refused = await recoverJson(["--nodes", "n2", "--yes"]);
      expect(refused.exitCode, refused.stdout).toBe(1);
      // Its keys moved, but its processes keep the old ones until it reboots: not done.
      expect(statuses(refused.report)).toEqual([["n2", "failed", false]]);
      expect(refused.report.reboot).toMatchObject({ ok: false, queued: false });
      expect(refused.report.rebootPending).toEqual([
        { node: "n2", reason: expect.stringMatching(/RebootProgram/) },
      ]);
      // Neither fleet diagnose nor fleet whoami calls it plainly healthy.
      for (const command of ["diagnose", "whoami"]) {
        const asked = await fleet.fleet([command, "--nodes", "n2"]);
        expect(row(asked.stdout, "n2"), command).toMatch(/^! n2 +healthy .*reboot due since \S+$/);
        expect(asked.stdout, command).toContain("! a reboot is still due on n2");
      }
    } finally {
      await fleet.cluster.defineRebootProgram(true);
    }
    const rerun = await recoverJson(["--nodes", "n2", "--yes"]);
    expect(rerun.exitCode, rerun.stdout).toBe(0);
    expect(rerun.report.nodes[0]).toMatchObject({
      status: "recovered",
      verified: true,
      reason: expect.stringMatching(
        /^reboot: the keys were moved aside at \S+ and this node has not rebooted since/,
      ),
    });
    expect(rerun.report.reboot).toMatchObject({ nodes: ["n2"], queued: true });
    await rebooted(["n2"], before);
    const done = await recoverJson(["--nodes", "n2", "--yes"]);
    expect(done.report.summary.status).toBe("nothing-to-do");
  });

  it("a run cut short (Ctrl-C) between moving the keys and queuing the reboot is finished by a rerun", async () => {
    await fleet.configure(fleet.homes.n3 ?? "");
    // scontrol as the head node has it, but `scontrol reboot` is where the admin pressed Ctrl-C.
    const interrupted = join(fleet.cluster.dir, "interrupted-bin");
    await mkdir(interrupted, { recursive: true });
    await writeFile(
      join(interrupted, "scontrol"),
      '#!/bin/sh\nif [ "$1" = reboot ]; then kill -INT "$PPID"; sleep 10; exit 1; fi\nexec /usr/bin/scontrol "$@"\n',
      { mode: 0o755 },
    );
    const before = (await fleet.cluster.reboots()).length;
    const cut = await fleet.fleet(["recover", "--nodes", "n3", "--yes"], {
      PATH: `${interrupted}:${fleet.cluster.env.PATH}`,
    });
    expect(cut.exitCode).not.toBe(0);
    expect(await backups(fleet.homes.n3 ?? "")).toHaveLength(2);
    expect(await fleet.cluster.reboots()).toHaveLength(before);
    const rerun = await recoverJson(["--nodes", "n3", "--yes"]);
    expect(rerun.exitCode, rerun.stdout).toBe(0);
    expect(statuses(rerun.report)).toEqual([["n3", "recovered", true]]);
    expect(rerun.report.reboot).toMatchObject({ nodes: ["n3"], queued: true });
    await rebooted(["n3"], before);
  });

  it("a home on FSx recovered through n2 alone: the report names the others' command, and later runs reboot n3 and n4", async () => {
    for (const node of ["n2", "n3", "n4"]) await fleet.useHome(node, "fsx");
    await fleet.configure(fleet.fsx);
    let before = (await fleet.cluster.reboots()).length;
    const first = await recoverJson(["--nodes", "n2", "--yes"]);
    expect(first.exitCode, first.stdout).toBe(0);
    expect(statuses(first.report)).toEqual([["n2", "recovered", true]]);
    expect(first.report.sharedHomes).toEqual([
      {
        path: join(fleet.fsx, ".aws"),
        fsType: "lustre",
        source: "fsx@tcp:/fsx",
        mountPoint: expect.stringMatching(/\/fsx$/),
        nodes: ["n2"],
        movedBy: "n2",
        others: expect.stringMatching(
          /^nodes outside this run that mount it need a reboot: hpiam fleet recover --nodes <those nodes> --yes/,
        ),
      },
    ]);
    expect(first.report.nodes[0]?.document).toMatchObject({
      changedHomes: [{ shared: true, filesystem: { fsType: "lustre", path: "/home/ubuntu/.aws" } }],
    });
    await rebooted(["n2"], before);

    // n3 and n4 booted before the keys moved: each still owes its reboot, and says so.
    const planned = await fleet.fleet(["recover", "--nodes", "n[2-4]", "--dry-run"]);
    expect(row(planned.stdout, "n2")).toMatch(/nothing-to-do/);
    for (const node of ["n3", "n4"])
      expect(row(planned.stdout, node)).toMatch(
        /^✔ n\d +planned +would reboot: the keys were moved aside at/,
      );
    before = (await fleet.cluster.reboots()).length;
    const later = await recoverJson(["--nodes", "n[2-4]", "--yes"]);
    expect(later.exitCode, later.stdout).toBe(0);
    expect(statuses(later.report)).toEqual([
      ["n2", "nothing-to-do", false],
      ["n3", "recovered", true],
      ["n4", "recovered", true],
    ]);
    expect(later.report.reboot).toMatchObject({ nodes: ["n3", "n4"], queued: true });
    await rebooted(["n3", "n4"], before);
    const done = await recoverJson(["--nodes", "n[2-4]", "--yes"]);
    expect(done.report.summary.status).toBe("nothing-to-do");
  });
});
