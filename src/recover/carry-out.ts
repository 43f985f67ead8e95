import type { RecoverOptions, RecoverResult, StepResult, Verification } from "../recover/types";
import { identifyNode } from "../identity/identify";
import type { Context } from "../context";
import { rebootOwedNote, type RecoveryPlan } from "./model/recovery-plan";
import { describeFileFailure } from "../output/file-errors";
import type { HomeSurvey, RecoverySurvey } from "./model/recovery-survey";
import { CannotRunError } from "../errors";
import type { HomeLocks } from "./lock";
import { settleRebootDue } from "./reboot-due";
import { chainFilesOf, readHomeShells } from "./survey";
import { deleteAwsDir, finishDelete, moveAside, renameOnto, restore, secureBackup } from "./operations";

export interface Approved {
  survey: RecoverySurvey;
  plan: RecoveryPlan;
  /** The plan as a result whose steps are all `planned`. */
  planned: RecoverResult;
  options: RecoverOptions;
  /** The target homes' locks, taken before the survey; given back by the caller. */
  locks: HomeLocks;
}

const REBOOT_TIMEOUT_MS = 60_000;

/**
 * Carries out an approved plan, step by step, under each home's lock. A run cut short leaves its locks, and
 * one that failed after `~/.aws` was moved keeps that home's, so that the next run finds where it went and
 * finishes the job (verify, reboot).
 */
export async function carryOut(
  ctx: Context,
  { survey, plan, planned, options, locks }: Approved,
): Promise<RecoverResult> {
  const steps = planned.steps.map((step) => ({ ...step }));
  const locked: HomeSurvey[] = [];
  let failure: string | undefined;
  let verification: Verification | null = null;
  /** A failure, or a home left as it was: the run fails, but the homes it did change need no second run. */
  let unfinished: string | undefined;
  try {
    // Each home on its own: one that cannot be locked (a root-squashed NFS home, say) or whose step fails is
    // left as it is, and the other homes (root's, which the SSM agent reads) are still recovered.
    const { left, refusal } = await claimHomes(locks, survey, steps, plan, locked);
    if (locked.length === 0) {
      if (refusal) throw refusal.error;
      return { ...planned, result: "nothing-to-do", reason: "another hpiam recover took the lock meanwhile" };
    }
    // The homes that were locked are still changed and verified; the run fails after that, with no reboot.
    const leftAlone =
      refusal && `left ${refusal.home}'s home as it was: ${refusal.error.message}. ${refusal.error.hint}`;
    for (const step of steps.filter((candidate) => candidate.id !== "verify" && candidate.id !== "reboot")) {
      const why = step.user === null ? undefined : left.get(step.user);
      if (why) skip(step, why);
      else {
        const failed = await attempt(step, () => changeFiles(ctx, step));
        if (failed && step.user !== null) left.set(step.user, "an earlier step for this home failed");
        failure ??= failed;
      }
    }
    const verify = steps.find((step) => step.id === "verify");
    if (verify && failure) skip(verify, "an earlier step failed");
    else if (verify) ({ verification, failure } = await verifyIdentity(ctx, verify, plan, options, survey));
    unfinished = failure ?? leftAlone;
    // A reboot skipped by --no-reboot is in the steps already as skipped: never asked, never run.
    const reboot = steps.find((step) => step.id === "reboot" && step.status === "planned");
    if (reboot && unfinished) skip(reboot, "not rebooting: the node is not recovered");
    else if (reboot && !options.yes && !(await ctx.prompt.confirm(rebootQuestion(plan), false))) {
      skip(reboot, "declined at the prompt");
    } else if (reboot) {
      failure = await attempt(reboot, () => runReboot(ctx, reboot.command ?? plan.reboot.command));
    }
    if (!failure) {
      const settled = reboot?.status === "done" || planned.action === "undo" || !plan.reboot.needed;
      // Only where something moved (or had, in this boot) is a reboot owed: not in every home looked at.
      const homes = locked
        .map((home) => home.home)
        .filter((home) => settled || plan.rebootHomes.includes(home));
      const outcome = planned.action === "undo" ? "undone" : settled ? "settled" : "due";
      await settleRebootDue(ctx, homes, outcome);
    }
  } finally {
    for (const home of locked) {
      if (failure !== undefined && (await awsDirMoved(ctx, home, steps, plan))) locks.keep(home.home);
    }
  }
  const rebooted = steps.some((step) => step.id === "reboot" && step.status === "done");
  const owed = new Set(survey.homes.flatMap((home) => home.rebootDueSince ?? []).map(rebootOwedNote));
  return {
    ...planned,
    notes: rebooted ? planned.notes.filter((note) => !owed.has(note)) : planned.notes,
    rebootDue: rebooted ? null : planned.rebootDue,
    result: (failure ?? unfinished) ? "failed" : planned.action === "undo" ? "restored" : "recovered",
    reason: failure ?? unfinished ?? successReason(steps, verification, planned),
    steps,
    backups: [...plan.resumed, ...(await backupsMade(ctx, steps))],
    verification,
  };
}

/** Where moved `~/.aws` dirs are now (a move that failed after its rename too), and what --undo restored from. */
async function backupsMade(ctx: Context, steps: readonly StepResult[]): Promise<string[]> {
  const made = await Promise.all(
    steps.map(async (step) => {
      const restored = step.id === "restore-aws-dir" || step.id === "restore-boto";
      if (restored && step.status === "done") return step.path;
      const moved = step.id === "move-aws-dir" || step.id === "move-boto";
      if (!moved || step.status === "planned" || step.status === "skipped") return undefined;
      return (await ctx.files.lstat(step.to ?? "").catch(() => undefined)) ? step.to : undefined;
    }),
  );
  return made.filter((path) => typeof path === "string");
}

async function changeFiles(ctx: Context, step: StepResult): Promise<void> {
  const path = step.path ?? "";
  switch (step.id) {
    case "move-aws-dir":
      return moveAside(ctx, path, step.to ?? "");
    case "delete-aws-dir":
      return deleteAwsDir(ctx, path, step.to ?? "");
    case "finish-delete":
      return finishDelete(ctx, path);
    case "secure-backup":
      return secureBackup(ctx, path);
    case "restore-aws-dir":
      return restore(ctx, path, step.to ?? "");
    case "move-boto":
    case "restore-boto":
      return renameOnto(ctx, path, step.to ?? "");
    default:
      return undefined;
  }
}

/**
 * The homes whose lock this run holds (into `locked`), each lock saying where `~/.aws` goes. `left` says why a
 * home is left alone (its lock cannot be written, or another run took it over); `refusal` is the first home
 * whose lock could not be written.
 */
async function claimHomes(
  locks: HomeLocks,
  survey: RecoverySurvey,
  steps: readonly StepResult[],
  plan: RecoveryPlan,
  locked: HomeSurvey[],
): Promise<{ left: Map<string, string>; refusal?: { home: string; error: CannotRunError } }> {
  const left = new Map<string, string>();
  let refusal: { home: string; error: CannotRunError } | undefined;
  // A home another run held all along is in the plan's `busy`, with no step.
  for (const home of survey.homes.filter((candidate) => candidate.lock.state !== "held")) {
    const taken = locks.taken(home.home);
    const moving = movingOf(home, steps, plan);
    try {
      if (taken?.state === "refused") throw taken.error;
      if (taken?.state === "ours" && (moving === undefined || (await locks.recordMove(home.home, moving))))
        locked.push(home);
      else left.set(home.user, "another hpiam recover took the lock");
    } catch (error) {
      if (!(error instanceof CannotRunError)) throw error;
      // A home this run does not change needs no lock: one that refuses it (root-squashed) is no failure.
      if (!steps.some((step) => step.user === home.user) && !moving) continue;
      refusal ??= { home: home.user, error };
      left.set(home.user, error.message);
    }
  }
  return { left, ...(refusal ? { refusal } : {}) };
}

/** Where this home's `~/.aws` goes in this run, or went in the earlier run this one finishes: its lock says so. */
function movingOf(home: HomeSurvey, steps: readonly StepResult[], plan: RecoveryPlan): string | undefined {
  const move = steps.find(
    (step) => step.user === home.user && (step.id === "move-aws-dir" || step.id === "delete-aws-dir"),
  );
  return move?.to ?? plan.finishing.find((earlier) => earlier.user === home.user)?.moved;
}

/** `~/.aws` is no longer where it was: a rename of this run or of the one it finishes went through. */
async function awsDirMoved(
  ctx: Context,
  home: HomeSurvey,
  steps: readonly StepResult[],
  plan: RecoveryPlan,
): Promise<boolean> {
  if (movingOf(home, steps, plan) === undefined) return false;
  return !(await ctx.files.lstat(home.awsDir.path).catch(() => undefined));
}

/** Runs one step; the failure's one-line description (what happened, what to do), or undefined when done. */
async function attempt(step: StepResult, run: () => Promise<void>): Promise<string | undefined> {
  try {
    await run();
    step.status = "done";
    return undefined;
  } catch (error) {
    const { code, partly } = error as { code?: string; partly?: string };
    const known = describeFileFailure(code);
    step.status = "failed";
    step.detail = [partly, known?.what ?? (error as Error).message].filter(Boolean).join(": ");
    const then = known ? `; ${known.todo}, then run hpiam recover again` : "";
    return `${step.id}${step.path ? ` ${step.path}` : ""} failed: ${step.detail}${then}`;
  }
}

/**
 * A fresh credential chain, as any new process of that home would resolve it: must be the instance-profile role.
 * Without --profile: the profile it names was, as a rule, in the `~/.aws` just moved (it would be "not found"
 * on every run), and no process of the node's names it unless told to.
 */
async function verifyIdentity(
  ctx: Context,
  step: StepResult,
  plan: RecoveryPlan,
  options: RecoverOptions,
  survey: RecoverySurvey,
): Promise<{ verification: Verification; failure?: string }> {
  const files = chainFilesOf(ctx, survey.homes);
  const now = await identifyNode(ctx, {
    region: options.region,
    ...files,
    ...(survey.stsSilentBefore ? { stsAttempts: 1 } : {}),
  });
  const verification = {
    status: now.verdict.status,
    reason: now.verdict.reason,
    arn: now.identity?.arn ?? null,
  };
  if (now.verdict.status !== "healthy") {
    step.status = "failed";
    step.detail = `${now.verdict.reason}${now.problem ? ` (${now.problem.message})` : ""}`;
    const fix = now.verdict.fix && now.verdict.fix !== "hpiam recover" ? `; ${now.verdict.fix}` : "";
    return { verification, failure: `verification failed: ${step.detail}${fix}` };
  }
  const found = `${now.verdict.reason} (${verification.arn ?? "?"})`;
  const exports = plan.manual.filter((fix) => fix.credential && fix.kind === "startup-file");
  if (exports.length > 0) {
    // What this process signs as is not what a new login shell will: the step fails with the run.
    const where = exports.map((fix) => (fix.kind === "startup-file" ? fix.path : "")).join(", ");
    step.status = "failed";
    step.detail = `new shells still get AWS keys from ${where} (this process: ${found})`;
    return {
      verification,
      failure: `new shells still get AWS keys from ${where}: remove those lines (below), then run hpiam recover again`,
    };
  }
  const undecided = plan.manual.flatMap((fix) => (fix.kind === "undecided" ? [fix] : []));
  const [first] = undecided;
  if (first) {
    // What a new login shell exports is unknown while such a form stays: never called recovered.
    const what = `hpiam cannot tell what new shells export: ${first.path}:${first.line} ${first.why}`;
    const more = undecided.length > 1 ? ` (and ${undecided.length - 1} more)` : "";
    step.status = "failed";
    step.detail = `${what}${more} (this process: ${found})`;
    return { verification, failure: `${what}${more}: edit by hand (below), then run hpiam recover again` };
  }
  // Read again, now that ~/.aws moved: a profile variable can name a profile that went with it. Only homes whose
  // startup files (or the machine's) choose a profile or a file can have one.
  const choosing = (lines: readonly { credential: boolean }[]) => lines.some((line) => !line.credential);
  const homes = choosing(survey.systemExports)
    ? survey.homes
    : survey.homes.filter((home) => choosing(home.exports));
  const shells = await Promise.all(homes.map((home) => readHomeShells(ctx, home)));
  const broken = shells.find((shell) => shell.newShell)?.newShell;
  if (!broken) {
    step.status = "done";
    step.detail = found;
    return { verification };
  }
  step.status = "failed";
  step.detail = `${broken.reason} (this process: ${found})`;
  return {
    verification,
    failure: `${broken.reason} (${broken.variables.join(", ")} from the startup files): remove those lines (below), then run hpiam recover again`,
  };
}

async function runReboot(ctx: Context, command: readonly string[]): Promise<void> {
  const answer = await ctx.exec.run(command, { timeoutMs: REBOOT_TIMEOUT_MS });
  if (answer.exitCode !== 0) {
    const why = answer.stderr.trim().split("\n")[0] || `exit ${answer.exitCode}`;
    throw new Error(`${command.join(" ")}: ${why}; reboot the node yourself: sudo reboot`);
  }
}

function rebootQuestion(plan: RecoveryPlan): string {
  return `Reboot this node now? (${plan.reboot.why ?? "processes keep the keys they loaded"})`;
}

function skip(step: StepResult, why: string): void {
  step.status = "skipped";
  step.detail = why;
}

function successReason(
  steps: readonly StepResult[],
  verification: Verification | null,
  planned: RecoverResult,
): string {
  if (planned.action === "undo") {
    const restored = steps.filter((step) => step.status === "done").map((step) => step.path);
    return `put ${restored.join(", ")} back: the old keys are back in use, so AWS tools here sign with them again (hpiam recover moves them aside again)`;
  }
  const now = verification?.reason ?? "recovered";
  const reboot = steps.find((step) => step.id === "reboot");
  if (reboot?.status === "done") return `${now}; the node is rebooting`;
  if (planned.reboot.needed)
    return `${now}; a reboot is still due (reboot when you can): processes started before still hold the old keys`;
  return now;
}
