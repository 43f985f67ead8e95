import type { Context } from "../context";
import { printable } from "../output/printable";
import { CannotRunError, UsageError } from "../errors";
import type { FleetEngine, FleetNode, NodeAnswer, NodeSelection, RunRequest } from "./model/engine";
import { shellWord } from "../shell/model/shell-words";
import { countFinished, firstLine, judgeStep } from "./model/labelled-output";
import {
  nodePartitions,
  type NodePlace,
  parseNodes,
  parseReservations,
  type RunGroup,
  runGroups,
} from "./model/slurm-nodes";

const SCONTROL_TIMEOUT_MS = 15_000;
/** How long srun may wait for nodes that are finishing a job; past it srun gives up (`--immediate`). */
const IMMEDIATE_S = 10;
/**
 * Each node is judged in its own environment: srun would hand every task the caller's, AWS keys included.
 * Naming variables (without ALL) exports those alone, like NONE; `NONE,PATH=…` would drop PATH too (Slurm 22.05).
 * So only PATH goes along, for the commands hpiam runs on the node; a TaskProlog's exports still apply.
 */
export const TASK_EXPORT = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/**
 * The caller's own job, as srun reads it from the environment: inside `salloc` or a batch job (a scheduled
 * health check), srun would start a step of that job on its nodes only. Unset, srun asks for an allocation of
 * its own, as Slurm documents for a nested srun. SLURM_CONF says which cluster, and stays.
 */
export function inheritedJobVariables(env: Readonly<Record<string, string | undefined>>): string[] {
  return Object.keys(env)
    .filter((name) => name.startsWith("SLURM_") && name !== "SLURM_CONF")
    .sort();
}

/** The fleet engine of a Slurm cluster: scontrol for the nodes, one srun step per partition, one task per node. */
export function createSlurmEngine(ctx: Context, hpiam: readonly string[]): FleetEngine {
  const scontrol = async (args: string[]) => {
    const answer = await ctx.exec.run(["scontrol", ...args], { timeoutMs: SCONTROL_TIMEOUT_MS });
    if (answer.timedOut)
      throw new CannotRunError(
        `scontrol ${args[0]} did not answer within 15 s`,
        "Is slurmctld up? Try: scontrol ping",
      );
    return answer;
  };
  const places = new Map<string, NodePlace>();
  let partition: string | undefined;
  const unset = inheritedJobVariables(ctx.env);
  const stepsOf = (request: Omit<RunRequest, "onProgress">) =>
    runGroups(request.nodes, (name) => places.get(name), partition).map((group) => ({
      group,
      argv: srunArgv(group, hpiam, request.args, request.timeoutMs, unset),
    }));

  return {
    name: "slurm",
    // srun starts each task as its caller.
    asRoot: ctx.user.uid === 0,

    async listNodes(selection: NodeSelection): Promise<FleetNode[]> {
      // A node of an active reservation starts work only in it: one srun step with it in would fail for all.
      const [srun, table, reservedBy] = await Promise.all([
        ctx.exec.which("srun"),
        scontrol(["show", "node", "-o"]),
        reservations(),
      ]);
      if (!srun)
        throw new CannotRunError(
          "srun is not on PATH: hpiam fleet runs on a node of a Slurm cluster (head or login node)",
          "Run it there, or put Slurm's client commands on PATH.",
        );
      if (table.exitCode !== 0)
        throw new CannotRunError(
          `scontrol show node failed: ${firstLine(table.stderr)}`,
          "Is slurmctld up? Try: scontrol ping",
        );
      const ownJob = await callerJob();
      // A node the caller's own job fills (salloc, a health-check job) is asked in a step of that job.
      let nodes = parseNodes(table.stdout).map((node) =>
        ownJob?.nodes.includes(node.name) && node.unavailable === "busy"
          ? { name: node.name, state: node.state }
          : node,
      );
      const partitions = nodePartitions(table.stdout);
      for (const node of nodes) {
        const reservation = reservedBy.get(node.name);
        const job = ownJob?.nodes.includes(node.name) && !node.unavailable ? ownJob.id : undefined;
        places.set(node.name, {
          partitions: partitions.get(node.name) ?? [],
          ...(reservation ? { reservation } : {}),
          ...(job ? { job } : {}),
        });
      }
      partition = selection.partition;
      if (selection.partition !== undefined) {
        nodes = nodes.filter((node) => partitions.get(node.name)?.includes(selection.partition ?? ""));
        if (nodes.length === 0)
          throw new UsageError(
            `--partition: Slurm has no node in partition "${printable(selection.partition)}"`,
            "See its partitions: sinfo -s",
          );
      }
      if (selection.nodes === undefined) return nodes;
      const wanted = await expand(selection.nodes);
      const known = new Map(nodes.map((node) => [node.name, node]));
      const inTable = nodes.filter((node) => wanted.includes(node.name));
      const unknown = wanted
        .filter((name) => !known.has(name))
        .map((name): FleetNode => ({
          name,
          unavailable: "unknown-node",
          reason: selection.partition
            ? `not a node of partition ${selection.partition}`
            : "Slurm knows no node of that name",
        }));
      return [...inTable, ...unknown];
    },

    async run(request: RunRequest): Promise<NodeAnswer[]> {
      const { nodes, timeoutMs } = request;
      if (nodes.length === 0) return [];
      const steps = stepsOf(request);
      const finished = steps.map(() => 0);
      const answers = await Promise.all(
        steps.map(async ({ group, argv }, step) => {
          ctx.log.debug(`srun step: ${argv.map(shellWord).join(" ")}`);
          let streamed = "";
          const answer = await ctx.exec.run(argv, {
            timeoutMs,
            onStdout: (chunk) => {
              streamed += chunk;
              finished[step] = countFinished(streamed);
              request.onProgress?.(
                finished.reduce((a, b) => a + b, 0),
                nodes.length,
              );
            },
          });
          return judgeStep(group, answer, timeoutMs);
        }),
      );
      const byName = new Map(answers.flat().map((answer) => [answer.name, answer]));
      return nodes.map(
        (name) => byName.get(name) ?? { name, unavailable: "no-answer", reason: "srun ran no task there" },
      );
    },

    // Every step, as run: the step of the most nodes first.
    commandsFor: (request) => {
      const [first, ...rest] = stepsOf(request).map((step) => step.argv);
      return [first ?? srunArgv({ nodes: [] }, hpiam, request.args, request.timeoutMs, unset), ...rest];
    },

    async compress(names) {
      if (names.length < 2) return names.join(",");
      const answer = await scontrol(["show", "hostlist", names.join(",")]).catch(() => undefined);
      return answer?.exitCode === 0 && answer.stdout.trim() ? answer.stdout.trim() : names.join(",");
    },

    async reboot(names, { dryRun = false } = {}) {
      const command = [
        "scontrol",
        "reboot",
        "ASAP",
        "nextstate=resume",
        "reason=hpiam recover",
        await this.compress(names),
      ];
      if (dryRun) return { command, ok: true, message: "planned", refused: [] };
      const answer = await ctx.exec.run(command, { timeoutMs: SCONTROL_TIMEOUT_MS });
      const ok = answer.exitCode === 0 && !answer.timedOut;
      if (ok)
        return {
          command,
          ok,
          message: "queued: each node reboots once its running jobs end, then returns to service",
          refused: [],
        };
      // scontrol refuses the whole list at once (no RebootProgram, a node it does not know): every node waits.
      const words = firstLine(answer.stderr) || `exit ${answer.exitCode}`;
      const refused = names.map((node) => ({ node, reason: words }));
      return { command, ok, message: `scontrol reboot failed: ${words}`, refused };
    },
  };

  /** Slurm hostlist syntax, expanded by Slurm itself; undefined with scontrol's words when it cannot. */
  async function hostnames(list: string): Promise<{ names: string[] } | { error: string }> {
    const answer = await scontrol(["show", "hostnames", list]);
    const names = answer.stdout
      .split("\n")
      .map((line) => line.trim())
      .filter(Boolean);
    // scontrol exits 0 on a bad list ("Invalid hostlist" on stderr, or `n[1-` taken as the name `n]`).
    const bad = answer.exitCode !== 0 || answer.stderr.trim() !== "" || names.length === 0;
    if (bad || !names.every((name) => /^[A-Za-z0-9][\w.-]*$/.test(name)))
      return { error: firstLine(answer.stderr.replace(/^scontrol: error: (_\w+: )?/gm, "")) };
    return { names: [...new Set(names)] };
  }

  async function expand(list: string): Promise<string[]> {
    const expanded = await hostnames(list);
    if ("names" in expanded) return expanded.names;
    // Slurm's hostlist takes at most 64 Ki names in one bracket range (MAX_RANGE): srun could not take it either.
    if (/Too many hosts in range/.test(expanded.error))
      throw new UsageError(
        `--nodes: "${printable(list)}" has a range of more than ${MAX_RANGE} names, more than Slurm takes in one range`,
        "Name the nodes Slurm has (see: sinfo -N), or split the range, e.g. n[1-65536],n[65537-100000].",
      );
    throw new UsageError(
      `--nodes: "${printable(list)}" is not a Slurm host list${expanded.error ? ` (scontrol: ${expanded.error})` : ""}`,
      "Give names or a range like worker-[1-8],login-1.",
    );
  }

  /** The job hpiam runs inside (SLURM_JOB_ID) and its nodes, if any. */
  async function callerJob(): Promise<{ id: string; nodes: string[] } | undefined> {
    const id = ctx.env.SLURM_JOB_ID ?? ctx.env.SLURM_JOBID;
    const list = ctx.env.SLURM_JOB_NODELIST ?? ctx.env.SLURM_NODELIST;
    if (!id || !/^\d+$/.test(id) || !list) return undefined;
    const expanded = await hostnames(list);
    return "names" in expanded ? { id, nodes: expanded.names } : undefined;
  }

  /** Each reserved node's active reservation: srun starts work there only with --reservation. */
  async function reservations(): Promise<Map<string, string>> {
    const answer = await scontrol(["show", "reservation", "-o"]);
    const held = new Map<string, string>();
    if (answer.exitCode !== 0) return held;
    for (const reservation of parseReservations(answer.stdout)) {
      const expanded = await hostnames(reservation.nodes);
      if ("names" in expanded) for (const name of expanded.names) held.set(name, reservation.name);
    }
    return held;
  }
}

/** Slurm's MAX_RANGE: the names one bracket range of a host list may hold. */
const MAX_RANGE = 65_536;

/**
 * One srun step: one task per node, in node-table order (block distribution: task i runs on the i-th node), in
 * the group's partition and reservation, in an allocation of its own (the caller's job variables unset).
 */
export function srunArgv(
  group: Pick<RunGroup, "partition" | "reservation" | "job" | "nodes">,
  hpiam: readonly string[],
  args: readonly string[],
  timeoutMs: number,
  unset: readonly string[] = [],
): string[] {
  const { nodes } = group;
  return [
    ...(unset.length ? ["env", ...unset.flatMap((name) => ["-u", name])] : []),
    "srun",
    // In the caller's own job: a step beside what runs there (--overlap), no allocation of its own to wait for.
    ...(group.job ? [`--jobid=${group.job}`, "--overlap"] : []),
    ...(group.partition ? [`--partition=${group.partition}`] : []),
    ...(group.reservation ? [`--reservation=${group.reservation}`] : []),
    `--nodelist=${nodes.join(",")}`,
    `--nodes=${nodes.length}`,
    `--ntasks=${nodes.length}`,
    "--ntasks-per-node=1",
    "--distribution=block",
    // A node whose hpiam exits 1 (not healthy) must not end the others' (a cluster may set KillOnBadExit=1).
    "--kill-on-bad-exit=0",
    "--label",
    `--export=${TASK_EXPORT}`,
    ...(group.job ? [] : [`--immediate=${Math.min(IMMEDIATE_S, Math.ceil(timeoutMs / 1000))}`]),
    `--time=${Math.ceil(timeoutMs / 60_000) + 1}`,
    "--job-name=hpiam-fleet",
    "--chdir=/",
    "--quiet",
    ...hpiam,
    ...args,
  ];
}
