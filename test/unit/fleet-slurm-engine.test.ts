import { describe, expect, it } from "vitest";
import type { RunResult } from "../../src/context";
import { fleetSurvey } from "../../src/fleet/fleet";
import { renderFleet } from "../../src/fleet/render-fleet";
import { createSlurmEngine } from "../../src/fleet/slurm-engine";
import { plainStyle } from "../../src/output/style";
import { fakeContext, failure, type FakeOptions } from "../support/fake-context";
import { HEALTHY_DIAGNOSE, UBUNTU_KEYS_DIAGNOSE } from "../support/fleet-documents";

const style = plainStyle;
const HPIAM = ["/fsx/tools/hpiam"];

/** Lines as Slurm 22.05's `scontrol show node -o` prints them: n1, n2 in dev (the default), n3, n4 in batch. */
const TABLE = [
  "NodeName=n1 State=IDLE Partitions=dev",
  "NodeName=n2 State=IDLE Partitions=dev",
  "NodeName=n3 State=IDLE Partitions=batch",
  "NodeName=n4 State=IDLE+RESERVED Partitions=batch",
].join("\n");

/** What a task printed, as srun --label shows it. */
const labelled = (rank: number, text: string) =>
  text
    .split("\n")
    .map((line) => `${rank}: ${line}`)
    .join("\n");
const printed = (rank: number, document: unknown) => labelled(rank, JSON.stringify(document, null, 2));
const done = (stdout: string, stderr = "", timedOut = false): RunResult => ({
  exitCode: timedOut ? 143 : 0,
  stdout,
  stderr,
  timedOut,
});

const nodelistOf = (argv: readonly string[]) =>
  (argv.find((arg) => arg.startsWith("--nodelist="))?.slice("--nodelist=".length) ?? "").split(",");

/**
 * A Slurm cluster of four nodes behind a fake executor: scontrol answers from TABLE, each srun step from
 * `step` (its argv and nodes); every argv run is recorded.
 */
function slurm(
  step: (argv: readonly string[], nodes: string[]) => RunResult,
  options: FakeOptions = {},
  table = TABLE,
) {
  const ran: string[][] = [];
  const ctx = fakeContext({
    uid: 0,
    ...options,
    exec: {
      which: async (command) => `/usr/bin/${command}`,
      run: async (argv) => {
        ran.push([...argv]);
        const line = argv.join(" ");
        if (line === "scontrol show node -o") return done(table);
        if (line === "scontrol show reservation -o")
          return done(
            "ReservationName=maint StartTime=2026-12-06T04:00:00 EndTime=2026-12-06T08:00:00 Nodes=n4 NodeCnt=1 Flags=MAINT,SPEC_NODES State=ACTIVE",
          );
        if (argv[0] === "scontrol" && argv[1] === "show" && argv[2] === "hostnames")
          return done((argv[3] ?? "").split(",").join("\n"));
        const srun = argv.indexOf("srun");
        if (srun >= 0) return step(argv, nodelistOf(argv));
        return done("");
      },
    },
  });
  return { ctx, ran, engine: createSlurmEngine(ctx, HPIAM) };
}

const steps = (ran: string[][]) => ran.filter((argv) => argv.includes("srun"));

describe("fleet over Slurm: srun steps", () => {
  it("runs one step per partition, each naming its partition: a default partition of others never makes a node busy", async () => {
    const { ctx, ran, engine } = slurm((_argv, nodes) =>
      done(nodes.map((_, rank) => printed(rank, HEALTHY_DIAGNOSE)).join("\n")),
    );
    const report = await fleetSurvey("whoami", { nodes: "n1,n2,n3" }, ctx, engine);
    expect(report.summary).toMatchObject({ status: "healthy", healthy: 3 });
    expect(steps(ran).map((argv) => argv.filter((arg) => /^--(partition|nodelist)=/.test(arg)))).toEqual([
      ["--partition=dev", "--nodelist=n1,n2"],
      ["--partition=batch", "--nodelist=n3"],
    ]);
    // The JSON names every step as it ran, not the first alone; `command` stays the first, for scripts.
    expect(report.engine.commands).toEqual(steps(ran));
    expect(report.engine.command).toEqual(steps(ran)[0]);
  });

  it("passes --partition through to srun", async () => {
    const { ctx, ran, engine } = slurm((_argv, nodes) =>
      done(nodes.map((_, rank) => printed(rank, HEALTHY_DIAGNOSE)).join("\n")),
    );
    await fleetSurvey("diagnose", { partition: "batch", nodes: "n3" }, ctx, engine);
    expect(steps(ran)).toHaveLength(1);
    expect(steps(ran)[0]).toEqual(expect.arrayContaining(["--partition=batch", "--nodelist=n3"]));
  });

  it("asks a node of a maintenance reservation apart, in its reservation: its refusal is its own", async () => {
    const { ctx, ran, engine } = slurm((argv, nodes) =>
      argv.includes("--reservation=maint")
        ? {
            ...done("", "srun: error: Unable to allocate resources: Access denied to requested reservation"),
            exitCode: 1,
          }
        : done(nodes.map((_, rank) => printed(rank, HEALTHY_DIAGNOSE)).join("\n")),
    );
    const report = await fleetSurvey("whoami", { partition: "batch" }, ctx, engine);
    expect(steps(ran).map(nodelistOf)).toEqual([["n3"], ["n4"]]);
    expect(report.nodes.map((node) => [node.name, node.status, node.reason])).toEqual([
      ["n3", "answered", null],
      [
        "n4",
        "no-answer",
        "srun: Unable to allocate resources: Access denied to requested reservation (in reservation maint)",
      ],
    ]);
  });

  it("inside a Slurm job: an allocation of its own (the job's variables unset, SLURM_CONF kept); the job's own node in a step of that job", async () => {
    const env = {
      SLURM_JOB_ID: "42",
      SLURM_JOBID: "42",
      SLURM_JOB_NODELIST: "n3",
      SLURM_CONF: "/etc/slurm/slurm.conf",
    };
    const table = "NodeName=n1 State=IDLE Partitions=dev\nNodeName=n3 State=ALLOCATED Partitions=batch";
    const { ctx, ran, engine } = slurm(
      (_argv, nodes) => done(nodes.map((_, rank) => printed(rank, HEALTHY_DIAGNOSE)).join("\n")),
      { env },
      table,
    );
    const report = await fleetSurvey("whoami", { nodes: "n1,n3" }, ctx, engine);
    expect(report.nodes.map((node) => [node.name, node.status])).toEqual([
      ["n1", "answered"],
      ["n3", "answered"],
    ]);
    const [fresh, own] = steps(ran);
    expect(fresh?.slice(0, (fresh?.indexOf("srun") ?? 0) + 3)).toEqual([
      "env",
      "-u",
      "SLURM_JOBID",
      "-u",
      "SLURM_JOB_ID",
      "-u",
      "SLURM_JOB_NODELIST",
      "srun",
      "--partition=dev",
      "--nodelist=n1",
    ]);
    expect(own?.slice(own.indexOf("srun"), own.indexOf("srun") + 4)).toEqual([
      "srun",
      "--jobid=42",
      "--overlap",
      "--nodelist=n3",
    ]);
  });

  it("keeps each node's own answer when another hangs: an error document with its code, a crash, no answer", async () => {
    const stopped = {
      schemaVersion: 1,
      error: {
        code: "lock-unwritable",
        message: "cannot write the lock /home/ubuntu/.aws.hpiam-lock: read-only file system",
      },
    };
    const { ctx, engine } = slurm((_argv, nodes) =>
      nodes[0] === "n1"
        ? // n1 hangs; n2 stopped with its error document and exit 2; srun is killed at the deadline.
          done(
            printed(1, stopped),
            [
              "1: hpiam: cannot write the lock",
              "srun: error: n2: task 1: Exited with exit code 2",
              "0: slurmstepd-n1: error: *** STEP 6.0 ON n1 CANCELLED AT 2026-12-06T04:51:02 ***",
              "srun: error: n1: task 0: Killed",
            ].join("\n"),
            true,
          )
        : done(
            labelled(0, "Traceback"),
            [
              "0: /fsx/tools/hpiam: line 1: 7 Segmentation fault",
              "srun: error: n3: task 0: Exited with exit code 139",
            ].join("\n"),
          ),
    );
    const report = await fleetSurvey("diagnose", { nodes: "n1,n2,n3", timeout: "15" }, ctx, engine);
    expect(report.nodes.map((node) => [node.name, node.status, node.reason])).toEqual([
      ["n1", "no-answer", "did not answer within 15 s"],
      [
        "n2",
        "error",
        "hpiam diagnose stopped there (lock-unwritable): cannot write the lock /home/ubuntu/.aws.hpiam-lock: read-only file system",
      ],
      [
        "n3",
        "not-hpiam",
        "hpiam there printed something that is not JSON: Traceback; stderr: /fsx/tools/hpiam: line 1: 7 Segmentation fault",
      ],
    ]);
    expect(renderFleet(report, style)).toMatch(
      /^– n2 +error +— +hpiam diagnose stopped there \(lock-unwritable\)/m,
    );
  });

  it("finds the document after a TaskProlog's lines and a MOTD with braces", async () => {
    const { ctx, engine } = slurm((_argv, nodes) =>
      done(
        nodes
          .map((_, rank) =>
            [
              labelled(rank, "Welcome to {cluster} node"),
              labelled(rank, "{"),
              printed(rank, UBUNTU_KEYS_DIAGNOSE),
            ].join("\n"),
          )
          .join("\n"),
      ),
    );
    const report = await fleetSurvey("whoami", { nodes: "n1,n2" }, ctx, engine);
    expect(report.nodes.map((node) => [node.name, node.status, node.finding?.verdict])).toEqual([
      ["n1", "answered", "unhealthy"],
      ["n2", "answered", "unhealthy"],
    ]);
  });

  it("--verbose: each srun step and what each node said on stderr", async () => {
    const { ctx, engine } = slurm(() =>
      done(printed(0, HEALTHY_DIAGNOSE), "0: sudo: unable to resolve host n1"),
    );
    await fleetSurvey("whoami", { nodes: "n1" }, ctx, engine);
    expect(ctx.logged).toEqual([
      expect.stringMatching(
        /^srun step: srun --partition=dev --nodelist=n1 .* \/fsx\/tools\/hpiam diagnose --json/,
      ),
      "n1 stderr:\nsudo: unable to resolve host n1",
    ]);
  });

  it("says Slurm's limit on a host list range, instead of calling it no host list", async () => {
    const { ctx } = slurm(() => done(""));
    const run = ctx.exec.run;
    const tooMany = {
      ...ctx,
      exec: {
        ...ctx.exec,
        run: async (argv: readonly string[]) =>
          argv.join(" ") === "scontrol show hostnames n[1-100000]"
            ? {
                ...done(""),
                stderr:
                  "scontrol: error: _parse_single_range: Too many hosts in range `1-100000'\nInvalid hostlist: n[1-100000]\n",
              }
            : run(argv),
      },
    };
    const error = await failure(
      fleetSurvey("whoami", { nodes: "n[1-100000]" }, tooMany, createSlurmEngine(tooMany, HPIAM)),
    );
    expect(error.exitCode).toBe(2);
    expect(error.message).toBe(
      '--nodes: "n[1-100000]" has a range of more than 65536 names, more than Slurm takes in one range',
    );
    expect(error.hint).toMatch(/sinfo -N/);
  });
});
