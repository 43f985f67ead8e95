import type { Context } from "../context";
import { printable } from "../output/printable";
import { CannotRunError, UsageError } from "../errors";
import type { FleetEngine, FleetNode, NodeAnswer, NodeSelection, RunRequest } from "./model/engine";
import { countFinished, firstLine, parseDocument, splitLabelled } from "./model/labelled-output";
import { nodePartitions, parseNodes } from "./model/slurm-nodes";

const SCONTROL_TIMEOUT_MS = 15_000;
/** How long srun may wait for nodes that are finishing a job; past it srun gives up (`--immediate`). */
const IMMEDIATE_S = 10;
/**
 * Each node is judged in its own environment: srun would hand every task the caller's, AWS keys included.
 * Naming variables (without ALL) exports those alone, like NONE; `NONE,PATH=…` would drop PATH too (Slurm 22.05).
 * So only PATH goes along, for the commands hpiam runs on the node; a TaskProlog's exports still apply.
 */
export const TASK_EXPORT = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/** The fleet engine of a Slurm cluster: scontrol for the nodes, one srun step with one task per node. */
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

  return {
    name: "slurm",

    async listNodes(selection: NodeSelection): Promise<FleetNode[]> {
      const [srun, table] = await Promise.all([ctx.exec.which("srun"), scontrol(["show", "node", "-o"])]);
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
      let nodes = parseNodes(table.stdout);
      if (selection.partition !== undefined) {
        const partitions = nodePartitions(table.stdout);
        nodes = nodes.filter((node) => partitions.get(node.name)?.includes(selection.partition ?? ""));
        if (nodes.length === 0)
          throw new UsageError(
            `--partition: Slurm has no node in partition "${selection.partition}"`,
            "See: sinfo -s",
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
      let streamed = "";
      const answer = await ctx.exec.run(this.commandFor(request), {
        timeoutMs,
        onStdout: (chunk) => {
          streamed += chunk;
          request.onProgress?.(countFinished(streamed), nodes.length);
        },
      });
      const out = splitLabelled(answer.stdout);
      const err = splitLabelled(answer.stderr);
      // srun's own lines carry no label: "srun: error: Unable to allocate resources: …".
      const srunError = answer.stderr.split("\n").find((line) => /^srun: error: /.test(line));
      return nodes.map((name, rank): NodeAnswer => {
        const parsed = parseDocument(out.get(rank));
        if ("document" in parsed) return { name, document: parsed.document };
        if (answer.timedOut)
          return { name, unavailable: "no-answer", reason: `did not answer within ${timeoutMs / 1000} s` };
        if (!out.has(rank) && !err.has(rank) && srunError)
          return {
            name,
            unavailable: "no-answer",
            reason: srunError.replace(/^srun: error: /, "srun: "),
            notAsked: true,
          };
        const said = firstLine(err.get(rank));
        return {
          name,
          unavailable: "not-hpiam",
          reason: `hpiam there ${parsed.problem}${said ? `; stderr: ${said}` : ""}`,
        };
      });
    },

    commandFor: (request) => srunArgv(request.nodes, hpiam, request.args, request.timeoutMs),

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

  /** Slurm hostlist syntax, expanded by Slurm itself. */
  async function expand(list: string): Promise<string[]> {
    const answer = await scontrol(["show", "hostnames", list]);
    const names = answer.stdout
      .split("\n")
      .map((line) => line.trim())
      .filter(Boolean);
    // scontrol exits 0 on a bad list ("Invalid hostlist" on stderr, or `n[1-` taken as the name `n]`).
    const bad = answer.exitCode !== 0 || answer.stderr.trim() !== "" || names.length === 0;
    if (bad || !names.every((name) => /^[A-Za-z0-9][\w.-]*$/.test(name)))
      throw new UsageError(
        `--nodes: "${printable(list)}" is not a Slurm host list`,
        "Give names or a range like worker-[1-8],login-1.",
      );
    return [...new Set(names)];
  }
}

/** One task per node, in node-table order (block distribution: task i runs on the i-th node). */
export function srunArgv(
  nodes: readonly string[],
  hpiam: readonly string[],
  args: readonly string[],
  timeoutMs: number,
): string[] {
  return [
    "srun",
    `--nodelist=${nodes.join(",")}`,
    `--nodes=${nodes.length}`,
    `--ntasks=${nodes.length}`,
    "--ntasks-per-node=1",
    "--distribution=block",
    "--label",
    `--export=${TASK_EXPORT}`,
    `--immediate=${Math.min(IMMEDIATE_S, Math.ceil(timeoutMs / 1000))}`,
    `--time=${Math.ceil(timeoutMs / 60_000) + 1}`,
    "--job-name=hpiam-fleet",
    "--chdir=/",
    "--quiet",
    ...hpiam,
    ...args,
  ];
}
