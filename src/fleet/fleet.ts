import type { Context } from "../context";
import { ExitCode, UsageError } from "../errors";
import { printable } from "../output/printable";
import type { FleetEngine, NodeAnswer, NodeSelection } from "./model/engine";
import { type FleetGroup, type FleetNodeReport, groupByCause } from "./model/group-nodes";
import { decodeDiagnose } from "../contract/diagnose";
import { readAnswer } from "./model/node-documents";
import { diagnoseFinding } from "./model/node-findings";
import { createSlurmEngine } from "./slurm-engine";
import { createSsmEngine } from "./ssm-engine";
import { validateClusterFlags } from "../connect/session-tools";
import { pacingOf, type PacingOptions } from "./fleet-pacing";

export interface FleetOptions extends NodeSelection, PacingOptions {
  /** Seconds every node gets to answer (default 60). */
  timeout?: string;
  /** The hpiam to run on every node (same path on each); default: this one (Slurm), NODE_HPIAM (SSM). */
  hpiam?: string;
  /** The HyperPod cluster (name or ARN) to reach over SSM, from outside it. */
  cluster?: string;
  region?: string;
  profile?: string;
}

export interface FleetSummary {
  status: "healthy" | "unhealthy" | "not-asked";
  nodes: number;
  answered: number;
  healthy: number;
  unhealthy: number;
  /** Nodes without a document: busy, down, drained, no answer… */
  unavailable: number;
}

/** How the nodes were reached: every command the engine started (Slurm: one srun step per partition). */
export interface FleetEngineReport {
  name: string;
  /** The first of `commands`, for scripts that read one. */
  command: string[];
  commands: string[][];
}

export interface FleetReport {
  schemaVersion: 1;
  command: "whoami" | "diagnose";
  engine: FleetEngineReport;
  nodes: FleetNodeReport[];
  groups: FleetGroup[];
  summary: FleetSummary;
}

export const DEFAULT_TIMEOUT_S = 60;
/** Where README recommends installing the single executable: the shared filesystem every node mounts. */
export const NODE_HPIAM = "/fsx/tools/hpiam";

/**
 * What fleet whoami asks each node: diagnose's checks of the identity and of every user's keys. A node is what
 * every user's jobs there sign as, not root's identity alone (hpiam whoami judges only its caller's chain);
 * recover --all-users moves any user's keys, and whoami, diagnose and recover agree node by node.
 */
export const WHOAMI_CHECKS = ["caller-identity", "credential-source", "aws-files", "other-users"];

/** hpiam's arguments on each node for fleet whoami or diagnose. */
export function surveyArgs(
  command: "whoami" | "diagnose",
  engine: Pick<FleetEngine, "name" | "asRoot">,
  options: Pick<FleetOptions, "region" | "profile">,
): string[] {
  const checks = command === "whoami" ? ["--checks", WHOAMI_CHECKS.join(",")] : [];
  return ["diagnose", "--json", ...checks, ...nodeFlags(engine, options, "diagnose")];
}

/** `hpiam fleet whoami|diagnose`: the command on every node selected, one report grouped by cause. */
export async function fleetSurvey(
  command: "whoami" | "diagnose",
  options: FleetOptions,
  ctx: Context,
  engine: FleetEngine = engineFor(options, ctx),
): Promise<FleetReport> {
  const timeoutMs = timeoutOf(options);
  const args = surveyArgs(command, engine, options);
  const selected = await engine.listNodes(options);
  const askable = selected.filter((node) => !node.unavailable).map((node) => node.name);
  const answers = await runWithProgress(engine, askable, args, timeoutMs, ctx);
  const nodes = selected.map((node): FleetNodeReport => {
    const answer = answers.get(node.name);
    return toNodeReport(node.name, node.state ?? null, answer ?? node);
  });
  const groups = await compressGroups(engine, groupByCause(nodes));
  return {
    schemaVersion: 1,
    command,
    engine: engineReport(engine, { nodes: askable, args, timeoutMs }),
    nodes,
    groups,
    summary: summarize(nodes, answers),
  };
}

export function engineReport(
  engine: Pick<FleetEngine, "name" | "commandsFor">,
  request: Parameters<FleetEngine["commandsFor"]>[0],
): FleetEngineReport {
  const commands = engine.commandsFor(request);
  return { name: engine.name, command: commands[0], commands };
}

/** 0 every node healthy, 1 one is not or did not answer, 3 no node could be asked. */
export function fleetExitCode(report: { summary: { status: string } }): ExitCode {
  if (report.summary.status === "healthy") return ExitCode.ok;
  return report.summary.status === "not-asked" ? ExitCode.cannotRun : ExitCode.problems;
}

/** A node's line: its diagnose document read through the contract, or why there is none to read (with that why). */
export function toNodeReport(name: string, state: string | null, answer: NodeAnswer): FleetNodeReport {
  const document = answer.document ?? null;
  const read = readAnswer(answer, decodeDiagnose, "diagnose");
  if (!("document" in read)) return { name, ...read, state, finding: null, document };
  const finding = diagnoseFinding(read.document);
  return { name, status: "answered", reason: finding.reason, state, finding, document };
}

export async function runWithProgress(
  engine: FleetEngine,
  nodes: readonly string[],
  args: readonly string[],
  timeoutMs: number,
  ctx: Context,
): Promise<Map<string, NodeAnswer>> {
  const show = (done: number) => ctx.log.progress?.(`hpiam fleet: ${done}/${nodes.length} nodes answered`);
  if (nodes.length) show(0);
  const answers = await engine.run({ nodes, args, timeoutMs, onProgress: show });
  ctx.log.progress?.("");
  // --verbose: what each node said on stderr, as it said it (the engines log the commands they start).
  for (const answer of answers)
    if (answer.stderr?.trim()) ctx.log.debug(`${answer.name} stderr:\n${answer.stderr.trimEnd()}`);
  return new Map(answers.map((answer) => [answer.name, answer]));
}

export async function compressGroups(engine: FleetEngine, groups: FleetGroup[]): Promise<FleetGroup[]> {
  return Promise.all(
    groups.map(async (group) => ({ ...group, nodelist: await engine.compress(group.nodes) })),
  );
}

export function summarize(
  nodes: readonly FleetNodeReport[],
  answers: ReadonlyMap<string, NodeAnswer>,
): FleetSummary {
  const answered = nodes.filter((node) => node.status === "answered");
  const healthy = answered.filter((node) => node.finding?.verdict === "healthy").length;
  const asked = [...answers.values()].filter((answer) => !answer.notAsked).length;
  const status = asked === 0 ? "not-asked" : healthy === nodes.length ? "healthy" : "unhealthy";
  return {
    status,
    nodes: nodes.length,
    answered: answered.length,
    healthy,
    unhealthy: answered.length - healthy,
    unavailable: nodes.length - answered.length,
  };
}

/** Slurm on a cluster node; SSM sessions with --cluster, from anywhere. */
export function engineFor(options: FleetOptions, ctx: Context): FleetEngine {
  if (options.cluster === undefined) {
    if (options.group !== undefined || options.rate !== undefined || options.concurrency !== undefined)
      throw new UsageError(
        "--group, --rate and --concurrency go with --cluster (fleet over SSM)",
        "Over SSM: hpiam fleet whoami --cluster NAME --group GROUP; on the cluster, pick nodes with --nodes or --partition.",
      );
    return createSlurmEngine(ctx, hpiamCommand(options, ctx));
  }
  validateClusterFlags(options.cluster, options.group);
  if (options.partition !== undefined)
    throw new UsageError(
      "--partition is Slurm's: with --cluster, pick nodes with --group or --nodes",
      "e.g. --cluster NAME --group worker-group-1, or --nodes i-0123456789abcdef0,i-0fedcba9876543210",
    );
  const [hpiam = NODE_HPIAM] = options.hpiam === undefined ? [] : hpiamCommand(options, ctx);
  // The path goes into the command line a shell runs on each node: plain characters only.
  if (!/^\/[\w./-]+$/.test(hpiam))
    throw new UsageError(
      `--hpiam: "${printable(hpiam)}" has characters a shell would read; give a plain path`,
      "Letters, digits and . _ - / only, like /fsx/tools/hpiam.",
    );
  return createSsmEngine(ctx, {
    cluster: options.cluster,
    hpiam,
    pacing: pacingOf(options),
    ...(options.region ? { region: options.region } : {}),
    ...(options.profile ? { profile: options.profile } : {}),
  });
}

/**
 * What every node is also told. Slurm: the caller's --region and --profile. SSM: those name the admin's own
 * account, not the node's. As root there (SSM's sudo -n; Slurm when the caller is root), diagnose and recover
 * cover every user's home, root's too: what any user's keys do is that node's state.
 */
export function nodeFlags(
  engine: Pick<FleetEngine, "name" | "asRoot">,
  options: Pick<FleetOptions, "region" | "profile">,
  command?: "diagnose" | "recover",
): string[] {
  const allUsers = command !== undefined && engine.asRoot ? ["--all-users"] : [];
  return [...(engine.name === "slurm" ? forwarded(options) : []), ...allUsers];
}

/** This hpiam (or --hpiam PATH), as every node starts it. */
export function hpiamCommand(options: Pick<FleetOptions, "hpiam">, ctx: Context): readonly string[] {
  if (options.hpiam === undefined) return ctx.host.command;
  if (!options.hpiam.startsWith("/"))
    throw new UsageError(
      `--hpiam: "${options.hpiam}" is not an absolute path`,
      "Give the path every node has it at, like /fsx/tools/hpiam.",
    );
  return [options.hpiam];
}

export function timeoutOf(options: Pick<FleetOptions, "timeout">): number {
  if (options.timeout === undefined) return DEFAULT_TIMEOUT_S * 1000;
  const seconds = Number(options.timeout);
  if (!/^\d+$/.test(options.timeout) || seconds < 1 || seconds > 3600)
    throw new UsageError(
      `--timeout: "${printable(options.timeout)}" is not a number of seconds from 1 to 3600`,
      "Give whole seconds, like --timeout 120.",
    );
  return seconds * 1000;
}

/** The flags that mean the same on every node; nothing of the caller's environment. */
export function forwarded(options: Pick<FleetOptions, "region" | "profile">): string[] {
  return [
    ...(options.region ? ["--region", options.region] : []),
    ...(options.profile ? ["--profile", options.profile] : []),
  ];
}
