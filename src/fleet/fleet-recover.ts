import type { Context } from "../context";
import { printable } from "../output/printable";
import { ExitCode, UsageError } from "../errors";
import type { FleetEngine, FleetNode, NodeAnswer, RebootResult } from "./model/engine";
import {
  type NodeRecovery,
  oneNodePerHome,
  recheckOf,
  recoveryOf,
  sharedHomes,
  type SharedHome,
} from "./model/recover-outcomes";
import { engineFor, type FleetOptions, nodeFlags, runWithProgress, timeoutOf } from "./fleet";

export interface FleetRecoverOptions extends FleetOptions {
  dryRun?: boolean;
  yes?: boolean;
}

export interface FleetRecoverNode {
  name: string;
  /** The node's recover result (`recovered`, `nothing-to-do`, `planned`, `failed`, `refused`), or why none. */
  status: NodeRecovery["status"];
  reason: string | null;
  /** Its identity checked afresh and healthy: the node is rebooted. */
  verified: boolean;
  /** The node's own recover document (its plan with --dry-run). */
  document: unknown;
}

export interface FleetRecoverReport {
  schemaVersion: 1;
  command: "recover";
  dryRun: boolean;
  engine: { name: string; command: string[] };
  nodes: FleetRecoverNode[];
  /** A home several nodes use (an FSx home): moved aside once, every node that used it verified. */
  sharedHomes: SharedHome[];
  /** The reboot of the verified nodes (planned with --dry-run). */
  reboot: (RebootResult & { nodes: string[]; queued: boolean }) | null;
  summary: {
    status: "recovered" | "nothing-to-do" | "planned" | "failed" | "refused" | "not-asked";
    nodes: number;
  };
}

export interface FleetRecoverHooks {
  /** At a terminal without --yes: shown the plan of every node, a person confirms. */
  confirm?(plan: FleetRecoverReport): Promise<boolean>;
}

/** `hpiam fleet recover`: recover on every node named, then reboot the verified ones (Slurm, or HyperPod's API). */
export async function fleetRecover(
  options: FleetRecoverOptions,
  ctx: Context,
  hooks: FleetRecoverHooks = {},
  engine: FleetEngine = engineFor(options, ctx),
): Promise<FleetRecoverReport> {
  if (options.nodes === undefined)
    throw new UsageError(
      "fleet recover needs --nodes: name the nodes to recover",
      options.cluster === undefined
        ? "e.g. hpiam fleet recover --nodes worker-[1-4] --dry-run"
        : `e.g. hpiam fleet recover --cluster ${printable(options.cluster)} --nodes i-0123456789abcdef0 --dry-run`,
    );
  const timeoutMs = timeoutOf(options);
  if (!options.dryRun && !options.yes && !ctx.prompt.interactive)
    throw new UsageError(
      "fleet recover moves ~/.aws aside and reboots nodes: without a terminal it needs --yes",
      `See the plan first: hpiam fleet recover --nodes ${printable(options.nodes)} --dry-run`,
    );
  const selected = await engine.listNodes(options);
  const askable = selected.filter((node) => !node.unavailable).map((node) => node.name);
  const flags = nodeFlags(engine, options, "recover");
  const dryArgs = ["recover", "--dry-run", "--json", ...flags];
  const plans = readAll(await runWithProgress(engine, askable, dryArgs, timeoutMs, ctx), recoveryOf);
  const affected = askable.filter((name) => plans.get(name)?.status === "planned");
  const report = (
    replies: ReadonlyMap<string, NodeRecovery>,
    verified: ReadonlySet<string>,
    args: string[],
    dryRun: boolean,
  ) =>
    buildReport({
      selected,
      replies,
      verified,
      dryRun,
      plans,
      engine: { name: engine.name, command: engine.commandFor({ nodes: askable, args, timeoutMs }) },
    });
  const planned = report(plans, new Set(affected), dryArgs, true);

  if (options.dryRun || affected.length === 0) {
    const reboot = affected.length
      ? { ...(await engine.reboot(affected, { dryRun: true })), nodes: affected, queued: false }
      : null;
    return { ...planned, reboot };
  }
  if (!options.yes && !(await hooks.confirm?.(planned)))
    return { ...planned, dryRun: false, summary: { status: "refused", nodes: selected.length } };

  const actArgs = ["recover", "--yes", "--no-reboot", "--json", ...flags];
  const leaders = oneNodePerHome(affected, plans);
  const done = readAll(await runWithProgress(engine, leaders, actArgs, timeoutMs, ctx), recoveryOf);
  const verified = new Set(leaders.filter((name) => done.get(name)?.verified));
  // The other nodes of a shared home: the home is recovered, their identity is asked afresh.
  const others = affected.filter((name) => !leaders.includes(name));
  const rechecked = readAll(
    await runWithProgress(
      engine,
      others,
      ["whoami", "--json", ...nodeFlags(engine, options)],
      timeoutMs,
      ctx,
    ),
    recheckOf,
  );
  for (const name of others) if (rechecked.get(name)?.healthy) verified.add(name);

  const result = report(new Map([...plans, ...done, ...rechecked]), verified, actArgs, false);
  const toReboot = affected.filter((name) => verified.has(name));
  const reboot = toReboot.length ? { ...(await engine.reboot(toReboot)), nodes: toReboot } : null;
  // Recovered but not rebooted: processes keep the old keys, so a refused reboot is a failure too.
  const summary = reboot && !reboot.ok ? { ...result.summary, status: "failed" as const } : result.summary;
  // A node whose reboot was refused still runs with the old keys: not rebooted, failed, in the engine's words.
  const refused = new Map(reboot?.refused.map(({ node, reason }) => [node, reason]));
  const nodes = result.nodes.map((node) => {
    const why = refused.get(node.name);
    if (why === undefined) return node;
    return {
      ...node,
      status: "failed" as const,
      verified: false,
      reason: `verified, but its reboot was refused: ${why}`,
    };
  });
  return { ...result, nodes, summary, reboot: reboot && { ...reboot, queued: reboot.ok } };
}

/** 0 every node named recovered and its reboot queued (or nothing to do); 1 one failed or did not answer; 2 refused; 3 none asked. */
export function fleetRecoverExitCode(report: FleetRecoverReport): ExitCode {
  const status = report.summary.status;
  if (status === "not-asked") return ExitCode.cannotRun;
  if (status === "refused") return ExitCode.usage;
  return status === "failed" ? ExitCode.problems : ExitCode.ok;
}

/** Each node's answer, read through the contract once. */
function readAll(
  answers: ReadonlyMap<string, NodeAnswer>,
  read: (answer: NodeAnswer) => NodeRecovery,
): Map<string, NodeRecovery> {
  return new Map([...answers].map(([name, answer]) => [name, read(answer)]));
}

interface ReportInput {
  selected: readonly FleetNode[];
  /** The latest reply of each node asked. */
  replies: ReadonlyMap<string, NodeRecovery>;
  plans: ReadonlyMap<string, NodeRecovery>;
  verified: ReadonlySet<string>;
  dryRun: boolean;
  engine: FleetRecoverReport["engine"];
}

function buildReport({
  selected,
  replies,
  plans,
  verified,
  dryRun,
  engine,
}: ReportInput): FleetRecoverReport {
  const shared = sharedHomes(plans, replies);
  const nodes = selected.map((node): FleetRecoverNode => {
    const outcome = replies.get(node.name);
    const document = outcome?.answer.document;
    if (!outcome || document === undefined) {
      return {
        name: node.name,
        status: outcome?.status ?? node.unavailable ?? "no-answer",
        reason: outcome ? outcome.reason : (node.reason ?? null),
        verified: false,
        document: null,
      };
    }
    const ok = verified.has(node.name) && !dryRun;
    const home = shared.find((h) => h.movedBy && h.movedBy !== node.name && h.nodes.includes(node.name));
    if (home && !dryRun) {
      // Its home was moved aside by another node; its own identity, asked afresh, decides.
      const reason = `one shared home, moved aside by ${home.movedBy}; ${outcome.reason ?? outcome.status}`;
      return {
        name: node.name,
        status: ok ? "recovered" : "failed",
        reason,
        verified: ok,
        document,
      };
    }
    return { name: node.name, status: outcome.status, reason: outcome.reason, verified: ok, document };
  });
  const asked = [...replies.values()].some((reply) => !reply.answer.notAsked);
  const settled = (node: FleetRecoverNode) =>
    node.status === "nothing-to-do" ||
    (dryRun ? node.status === "planned" : node.status === "recovered" && node.verified);
  const changed = nodes.some((node) => node.status === "recovered" || node.status === "planned");
  const status = !asked
    ? "not-asked"
    : !nodes.every(settled)
      ? "failed"
      : !changed
        ? "nothing-to-do"
        : dryRun
          ? "planned"
          : "recovered";
  return {
    schemaVersion: 1,
    command: "recover",
    dryRun,
    engine,
    nodes,
    sharedHomes: shared,
    reboot: null,
    summary: { status, nodes: nodes.length },
  };
}
