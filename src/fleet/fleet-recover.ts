import type { Context } from "../context";
import { printable } from "../output/printable";
import { ExitCode, UsageError } from "../errors";
import type { FleetEngine, FleetNode, NodeAnswer, RebootResult } from "./model/engine";
import {
  isAffected,
  type NodeRecovery,
  recheckOf,
  recoverRuns,
  recoveryOf,
  sharedHomes,
  type SharedHome,
} from "./model/recover-outcomes";
import {
  engineFor,
  engineReport,
  type FleetEngineReport,
  type FleetOptions,
  nodeFlags,
  surveyArgs,
  runWithProgress,
  timeoutOf,
} from "./fleet";

export interface FleetRecoverOptions extends FleetOptions {
  dryRun?: boolean;
  yes?: boolean;
}

export interface FleetRecoverNode {
  name: string;
  /**
   * The node's recover result (`recovered`, `nothing-to-do`, `planned`, `failed`, `refused`), the verdict of a
   * node asked afresh, or why none.
   */
  status: NodeRecovery["status"];
  reason: string | null;
  /** Its identity checked afresh and healthy: the node is rebooted. */
  verified: boolean;
  /** The node's own recover document (its plan with --dry-run), or the diagnose document of a node asked afresh. */
  document: unknown;
}

export interface FleetRecoverReport {
  schemaVersion: 1;
  command: "recover";
  dryRun: boolean;
  engine: FleetEngineReport;
  nodes: FleetRecoverNode[];
  /** A home on a shared filesystem (FSx, NFS): moved aside once, every node of this run that mounts it verified. */
  sharedHomes: SharedHome[];
  /** The reboot of the verified nodes (planned with --dry-run). */
  reboot: (RebootResult & { nodes: string[]; queued: boolean }) | null;
  /** Nodes whose keys moved (in this run or an earlier one) that still wait for a reboot after this run. */
  rebootPending: Array<{ node: string; reason: string }>;
  summary: {
    status: "recovered" | "nothing-to-do" | "planned" | "failed" | "refused" | "not-asked";
    nodes: number;
    /** Nodes the engine said could not be asked (drained, down, busy): a dry run plans for the others. */
    notAsked: string[];
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
  // The plan of what this command runs: recover without its own reboot (the engine reboots, after every node).
  const dryArgs = ["recover", "--dry-run", "--no-reboot", "--json", ...flags];
  const plans = readAll(await runWithProgress(engine, askable, dryArgs, timeoutMs, ctx), recoveryOf);
  const affected = askable.filter((name) => isAffected(plans.get(name)));
  const others = `nodes outside this run that mount it need a reboot: ${othersCommand(options)}`;
  const report = (
    replies: ReadonlyMap<string, NodeRecovery>,
    verified: ReadonlySet<string>,
    args: string[],
    dryRun: boolean,
    rechecked: ReadonlySet<string> = new Set(),
  ) =>
    buildReport({
      selected,
      replies,
      verified,
      rechecked,
      dryRun,
      plans,
      others,
      engine: engineReport(engine, { nodes: askable, args, timeoutMs }),
    });
  const planned = report(plans, new Set(affected), dryArgs, true);

  if (options.dryRun || affected.length === 0) {
    const reboot = affected.length
      ? { ...(await engine.reboot(affected, { dryRun: true })), nodes: affected, queued: false }
      : null;
    return { ...planned, reboot };
  }
  if (!options.yes && !(await hooks.confirm?.(planned)))
    return { ...planned, dryRun: false, summary: { ...planned.summary, status: "refused" } };

  const actArgs = ["recover", "--yes", "--no-reboot", "--json", ...flags];
  const { waves, rechecks } = recoverRuns(affected, plans);
  const done = new Map<string, NodeRecovery>();
  // One wave after the other: a node that also mounts a shared home runs once its mover is done with it.
  for (const wave of waves) {
    const answers = await runWithProgress(engine, wave, actArgs, timeoutMs, ctx);
    for (const [name, recovery] of readAll(answers, recoveryOf)) done.set(name, recovery);
  }
  const verified = new Set([...done].filter(([, recovery]) => recovery.verified).map(([name]) => name));
  // Its home recovered by another node, or its keys moved by an earlier run: asked afresh, as fleet whoami asks.
  const recheck = surveyArgs("whoami", engine, options);
  const rechecked = rechecks.length
    ? readAll(await runWithProgress(engine, rechecks, recheck, timeoutMs, ctx), recheckOf)
    : new Map<string, NodeRecovery>();
  for (const name of rechecks) if (rechecked.get(name)?.healthy) verified.add(name);

  const replies = new Map([...plans, ...done, ...rechecked]);
  const result = report(replies, verified, actArgs, false, new Set(rechecks));
  const toReboot = affected.filter((name) => verified.has(name));
  const reboot = toReboot.length ? { ...(await engine.reboot(toReboot)), nodes: toReboot } : null;
  const rebootPending = [...result.rebootPending, ...unqueued(reboot)];
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
  return { ...result, nodes, summary, rebootPending, reboot: reboot && { ...reboot, queued: reboot.ok } };
}

/** The verified nodes the engine did not reboot: each still holds the old keys in its processes. */
function unqueued(reboot: (RebootResult & { nodes: string[] }) | null): FleetRecoverReport["rebootPending"] {
  if (!reboot || reboot.ok) return [];
  if (reboot.refused.length > 0) return reboot.refused;
  return reboot.nodes.map((node) => ({ node, reason: reboot.message }));
}

/** What reboots the nodes of a shared home this run cannot see: the same command, on those nodes. */
function othersCommand(options: FleetRecoverOptions): string {
  if (options.cluster === undefined)
    return 'hpiam fleet recover --nodes <those nodes> --yes (or: sudo scontrol reboot ASAP nextstate=resume reason="hpiam recover" <those nodes>)';
  return `hpiam fleet recover --cluster ${printable(options.cluster)} --nodes <their instance ids> --yes`;
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
  /** Nodes asked afresh (as fleet whoami asks) rather than recovered. */
  rechecked: ReadonlySet<string>;
  dryRun: boolean;
  /** What nodes outside the run that mount a shared home need. */
  others: string;
  engine: FleetRecoverReport["engine"];
}

function buildReport({
  selected,
  replies,
  plans,
  verified,
  rechecked,
  dryRun,
  others,
  engine,
}: ReportInput): FleetRecoverReport {
  const shared = sharedHomes(plans, replies, others);
  const rebootPending: FleetRecoverReport["rebootPending"] = [];
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
    const plan = plans.get(node.name);
    const why = recheckWhy(node.name, plan, shared);
    if (why && rechecked.has(node.name)) {
      // Asked afresh (as fleet whoami asks): every user's identity there decides.
      const reason = `${why}; ${outcome.reason ?? outcome.status}`;
      if (!ok && plan?.rebootDue) rebootPending.push({ node: node.name, reason: `not verified: ${reason}` });
      return { name: node.name, status: ok ? "recovered" : "failed", reason, verified: ok, document };
    }
    if (dryRun && why && outcome.status === "nothing-to-do")
      return { name: node.name, status: "planned", reason: `would ${why}`, verified: false, document };
    return { name: node.name, status: outcome.status, reason: outcome.reason, verified: ok, document };
  });
  const asked = [...replies.values()].some((reply) => !reply.answer.notAsked);
  // A dry run plans for the nodes that can be asked: a drained one is named, and is no failed plan.
  const notAsked = selected.filter((node) => node.unavailable).map((node) => node.name);
  const settled = (node: FleetRecoverNode) =>
    node.status === "nothing-to-do" ||
    (dryRun
      ? node.status === "planned" || notAsked.includes(node.name)
      : node.status === "recovered" && node.verified);
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
    rebootPending,
    summary: { status, nodes: nodes.length, notAsked },
  };
}

/** Why a node is asked afresh rather than recovered: another node moves its shared home, or a reboot is due. */
function recheckWhy(
  name: string,
  plan: NodeRecovery | undefined,
  shared: readonly SharedHome[],
): string | null {
  const home = shared.find((h) => h.nodes.includes(name) && h.nodes[0] !== name);
  if (home) {
    const mover = home.movedBy ?? home.nodes[0];
    return `its home ${home.path} is on ${home.fsType} (${home.source}): moved aside once, by ${mover}`;
  }
  if (plan?.status === "nothing-to-do" && plan.rebootDue)
    return `reboot: the keys were moved aside at ${plan.rebootDue} and this node has not rebooted since`;
  return null;
}
