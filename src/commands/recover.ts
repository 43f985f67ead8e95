import type { AwsOptions, Context } from "../context";
import type { Blocker } from "../domain/recovery-blockers";
import { type LeakedKey, planRecovery, type RecoveryPlan, type Step } from "../domain/recovery-plan";
import type { HomeSurvey, RecoverySurvey, SlurmState } from "../domain/recovery-survey";
import { type NotDone, setAsideHomes, unlistedUsers } from "../domain/homes-not-done";
import type { ManualFix } from "../domain/manual-fixes";
import { untouchedKeys, type UntouchedKeys } from "../domain/untouched-keys";
import type { VerdictStatus } from "../identity/verdict";
import { ExitCode, UsageError } from "../errors";
import { carryOut } from "../recover/carry-out";
import { invokedAs } from "../recover/invocation";
import { slurmState } from "../recover/slurm";
import { type SharedHomeReach, sharedHomesChanged } from "../recover/shared-homes";
import { bystanderHomes, surveyRecovery, targetHomes } from "../recover/survey";

export interface RecoverOptions extends AwsOptions {
  user?: string;
  allUsers?: boolean;
  dryRun?: boolean;
  delete?: boolean;
  undo?: boolean;
  yes?: boolean;
  /** false with --no-reboot. */
  reboot?: boolean;
  force?: boolean;
}

/** `restored`: --undo put a backup back, so the old keys are in use again: done as asked, but no recovery. */
export type RecoverOutcome = "recovered" | "restored" | "nothing-to-do" | "planned" | "failed" | "refused";

/** A step as the JSON contract gives it: every field present, `null` where it does not apply. */
export interface StepResult {
  id: Step["id"];
  status: "planned" | "done" | "skipped" | "failed";
  user: string | null;
  path: string | null;
  to: string | null;
  command: string[] | null;
  what: string;
  /** Why it was skipped or failed, or what it found (verify). */
  detail: string | null;
}

export interface Verification {
  status: VerdictStatus;
  reason: string;
  arn: string | null;
}

export interface RecoverResult {
  schemaVersion: 1;
  action: "recover" | "undo";
  result: RecoverOutcome;
  /** One line a person reads first. */
  reason: string;
  dryRun: boolean;
  users: Array<{ user: string; home: string; awsDir: HomeSurvey["awsDir"]; backups: string[] }>;
  identityBefore: RecoverySurvey["identityBefore"] | null;
  steps: StepResult[];
  /** Backups this run made (or finished, or restored from with --undo). */
  backups: string[];
  /** Reported, never edited: shell startup lines and variables that set AWS keys. */
  manual: ManualFix[];
  leakedKeys: LeakedKey[];
  /** Under sudo: root's own `~/.aws` when it holds keys; not changed by this run, named with its command. */
  untouched: UntouchedKeys[];
  /** With --all-users: users or homes this run could not look at, each with the command that reaches it. */
  notDone: NotDone[];
  /** The command that puts this run's backups back, with its sudo and --user/--all-users. */
  undo: string;
  /** Homes on a shared filesystem whose `~/.aws` this run changes: the nodes the change reaches, what they need. */
  sharedHomes: SharedHomeReach[];
  reboot: RecoveryPlan["reboot"] & { slurm: SlurmState | null };
  verification: Verification | null;
  blockers: Blocker[];
  notes: string[];
}

export interface RecoverHooks {
  /** Called with the plan before the first question is asked, so that a person sees what they agree to. */
  showPlan?(plan: RecoverResult): void;
}

/**
 * The seed 000 procedure: plan from what is found, move `~/.aws` aside, verify, reboot. Keys left in a home it
 * was not asked to change (root's own, under sudo) are said in the verdict line too: the node is not recovered.
 */
export async function recover(
  options: RecoverOptions,
  ctx: Context,
  hooks: RecoverHooks = {},
): Promise<RecoverResult> {
  const result = await recoverTargets(options, ctx, hooks);
  if (result.result === "refused" || result.result === "failed") return result;
  const [left] = result.untouched;
  const [unseen] = result.notDone;
  const buts = [
    left &&
      `${left.path} still holds ${left.found}, and the SSM agent runs as ${left.user} and signs with them: ${left.command}`,
    unseen &&
      `${unseen.user ? `${unseen.user}'s home not done` : "not looked at"}: ${unseen.why}; ${unseen.command}`,
  ].filter(Boolean);
  return buts.length === 0 ? result : { ...result, reason: `${result.reason}; but ${buts.join("; ")}` };
}

async function recoverTargets(
  options: RecoverOptions,
  ctx: Context,
  hooks: RecoverHooks,
): Promise<RecoverResult> {
  validate(options);
  const action = options.undo ? "undo" : "recover";
  const { homes: targets, unlisted } = await targetHomes(ctx, options);
  const bystanders = action === "recover" ? await bystanderHomes(ctx, options, targets) : [];
  let survey = await surveyRecovery(ctx, options, targets, action, bystanders);
  if (options.allUsers) {
    // Each home on its own: one root cannot read, or cannot undo, is named and the others go ahead.
    const { homes, notDone } = setAsideHomes(survey.homes, action === "undo");
    survey = { ...survey, homes, notDone: [...unlistedUsers(unlisted, action === "undo"), ...notDone] };
  }
  const planOptions = {
    action,
    delete: Boolean(options.delete),
    reboot: options.reboot !== false,
    // A dry run asks for no consent: it shows what would be done once given.
    yes: Boolean(options.yes || options.dryRun),
    force: Boolean(options.force),
    interactive: ctx.prompt.interactive,
    command: invokedAs(ctx, options),
  } as const;
  let plan = planRecovery(survey, planOptions);
  if (plan.reboot.needed) {
    const slurm = await slurmState(ctx);
    if (slurm) {
      survey = { ...survey, slurm };
      plan = planRecovery(survey, planOptions);
    }
  }
  const planned = {
    ...describePlan(survey, plan, action, Boolean(options.dryRun), planOptions.reboot),
    undo: `${planOptions.command} --undo`,
    sharedHomes: await sharedHomesChanged(ctx, survey.homes, plan, action === "undo"),
  };
  const idle = plan.steps.length === 0;

  if (options.dryRun) {
    if (idle) return planned;
    const refusal = plan.blockers[0] ? `; as it stands it would be refused: ${plan.blockers[0].message}` : "";
    return { ...planned, result: "planned", reason: `would ${summarize(plan)}${refusal}` };
  }
  const [blocker] = plan.blockers;
  if (blocker) return { ...planned, result: "refused", reason: `${blocker.message}. ${blocker.hint}` };
  if (idle) return planned;

  const changes = plan.steps.some((step) => step.id !== "verify" && step.id !== "reboot");
  if (changes && !options.yes && ctx.prompt.interactive) {
    hooks.showPlan?.({ ...planned, result: "planned", reason: `about to ${summarize(plan)}` });
    if (!(await ctx.prompt.confirm("Carry out this plan?", true))) {
      return { ...planned, result: "refused", reason: "declined at the prompt: nothing changed" };
    }
  }
  return carryOut(ctx, { survey, plan, planned, options });
}

/**
 * 0 recovered, restored, nothing to do or planned; 1 verification (or a step) failed, keys were left in a
 * home it was not asked to change, or some users or homes were not looked at or changed; 2 refused.
 */
export function recoverExitCode(result: RecoverResult): ExitCode {
  if (result.result === "failed") return ExitCode.problems;
  const unfinished = result.untouched.length > 0 || result.notDone.length > 0;
  if (unfinished && ["recovered", "restored", "nothing-to-do"].includes(result.result))
    return ExitCode.problems;
  if (result.result === "refused") return ExitCode.usage;
  return ExitCode.ok;
}

function describePlan(
  survey: RecoverySurvey,
  plan: RecoveryPlan,
  action: "recover" | "undo",
  dryRun: boolean,
  reboot: boolean,
): RecoverResult {
  const planned = plan.steps.map((step) => stepResult(step, "planned"));
  if (plan.reboot.needed && !reboot) {
    // --no-reboot: the reboot a script must still arrange is in the steps, as skipped.
    planned.push({
      ...stepResult(
        { id: "reboot", command: plan.reboot.command, what: `reboot: ${plan.reboot.why}` },
        "skipped",
      ),
      detail: "--no-reboot: reboot when you can",
    });
  }
  return {
    schemaVersion: 1,
    action,
    result: "nothing-to-do",
    reason: plan.steps.length === 0 ? idleReason(survey, plan, action) : "",
    dryRun,
    users: survey.homes.map((home) => ({
      user: home.user,
      home: home.home,
      awsDir: home.awsDir,
      backups: home.backups.map((backup) => backup.path),
    })),
    identityBefore: survey.identityBefore ?? null,
    steps: planned,
    backups: [
      ...plan.resumed,
      ...plan.steps.flatMap((step) => (step.id === "move-aws-dir" && step.to ? [step.to] : [])),
    ],
    manual: plan.manual,
    leakedKeys: plan.leakedKeys,
    untouched: untouchedKeys(survey.bystanders),
    notDone: survey.notDone ?? [],
    sharedHomes: [],
    undo: "hpiam recover --undo",
    reboot: { ...plan.reboot, slurm: survey.slurm ?? null },
    verification: null,
    blockers: plan.blockers,
    notes: plan.notes,
  };
}

function stepResult(step: Step, status: StepResult["status"]): StepResult {
  const { id, user = null, path = null, to = null, command = null, what } = step;
  return { id, status, user, path, to, command, what, detail: null };
}

const SUMMARY: Record<Step["id"], string> = {
  "move-aws-dir": "move ~/.aws aside",
  "delete-aws-dir": "delete ~/.aws",
  "finish-delete": "finish an earlier --delete",
  "secure-backup": "make a backup owner-only",
  "restore-aws-dir": "put the latest backup back",
  verify: "verify the identity",
  reboot: "reboot",
};

/** `move ~/.aws aside, verify the identity, reboot`; a step for several users is named once. */
function summarize(plan: RecoveryPlan): string {
  return [...new Set(plan.steps.map((step) => SUMMARY[step.id]))].join(", ");
}

function idleReason(survey: RecoverySurvey, plan: RecoveryPlan, action: "recover" | "undo"): string {
  const busy = plan.busy.map(({ user, holder }) =>
    holder
      ? `another hpiam recover (pid ${holder.pid} on ${holder.host}, since ${holder.startedAt}) is working on ${user}'s home`
      : `another hpiam recover is working on ${user}'s home`,
  );
  if (busy.length > 0) return busy.join("; ");
  const where = survey.homes.map((home) => home.home).join(", ") || "no home";
  if (action === "undo") return `no hpiam backup to restore in ${where}`;
  const since = survey.homes.flatMap((home) => home.rebootDueSince ?? [])[0];
  return since
    ? `no credentials in ~/.aws override the instance profile (${where}), but a reboot is still due since ${since}: reboot when you can (hpiam recover --yes verifies, then reboots)`
    : `no credentials in ~/.aws override the instance profile (${where}): no reboot needed`;
}

function validate(options: RecoverOptions): void {
  if (options.undo && options.delete) {
    throw new UsageError("--undo and --delete do not go together", "--undo puts the latest backup back.");
  }
  if (options.undo && options.force)
    throw new UsageError("--force applies only to the reboot, not to --undo");
}
