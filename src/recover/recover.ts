import type { Context } from "../context";
import { planRecovery, type RecoveryPlan, type Step } from "./model/recovery-plan";
import type { RecoverySurvey } from "./model/recovery-survey";
import { setAsideHomes, unlistedUsers } from "./model/homes-not-done";
import { untouchedKeys } from "./model/untouched-keys";
import { ExitCode, UsageError } from "../errors";
import { carryOut } from "./carry-out";
import { invokedAs } from "./invocation";
import { slurmState } from "./slurm";
import { changedHomes, sharedHomesReached } from "./shared-homes";
import { bystanderHomes, surveyRecovery, targetHomes } from "./survey";
import { type HomeLocks, lockHomes } from "./lock";
import type { UserHome } from "../node/homes";
import type { ManualFix } from "./model/manual-fixes";
import type { ManualFixResult, RecoverHooks, RecoverOptions, RecoverResult, StepResult } from "./types";

/**
 * The procedure of the HyperPod workshop's "Troubleshoot IAM Permissions" page, made safe: plan from what is
 * found, move `~/.aws` aside, verify, reboot. Keys left in a home it was not asked to change (root's own, under
 * sudo) are said in the verdict line too: the node is not recovered.
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
      `${left.path} still holds ${left.found}: what ${left.user} runs signs with them, and the SSM agent may too: ${left.command}`,
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
  const { homes: targets, unlisted } = await targetHomes(ctx, options);
  // Held from before the homes are looked at until the end: the plan is made from what another run left.
  const locks = options.dryRun ? undefined : await lockHomes(ctx, targets);
  try {
    return await recoverLocked(options, ctx, hooks, { targets, unlisted, locks });
  } finally {
    await locks?.releaseAll();
  }
}

async function recoverLocked(
  options: RecoverOptions,
  ctx: Context,
  hooks: RecoverHooks,
  { targets, unlisted, locks }: { targets: UserHome[]; unlisted?: string; locks: HomeLocks | undefined },
): Promise<RecoverResult> {
  const action = options.undo ? "undo" : "recover";
  const bystanders = action === "recover" ? await bystanderHomes(ctx, options, targets) : [];
  let survey = await surveyRecovery(ctx, options, targets, action, bystanders, locks);
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
  const changed = await changedHomes(ctx, survey.homes, plan);
  const planned = {
    ...describePlan(survey, plan, action, Boolean(options.dryRun), planOptions.reboot),
    undo: `${planOptions.command} --undo`,
    sharedHomes: sharedHomesReached(changed, plan, action === "undo"),
    changedHomes: changed,
  };
  const idle = plan.steps.length === 0;

  // A dry run holds no lock: it only says what a run would do.
  if (options.dryRun || !locks) {
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
  return carryOut(ctx, { survey, plan, planned, options, locks });
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
      awsDir: { ...home.awsDir, symlinkTarget: home.awsDir.symlinkTarget ?? null },
      backups: home.backups.map((backup) => backup.path),
    })),
    identityBefore: survey.identityBefore ?? null,
    steps: planned,
    backups: [
      ...plan.resumed,
      ...plan.steps.flatMap((step) =>
        (step.id === "move-aws-dir" || step.id === "move-boto") && step.to ? [step.to] : [],
      ),
    ],
    manual: plan.manual.map(manualResult),
    leakedKeys: plan.leakedKeys,
    untouched: untouchedKeys(survey.bystanders),
    notDone: survey.notDone ?? [],
    sharedHomes: [],
    changedHomes: [],
    rebootDue: rebootDueOf(survey),
    undo: "hpiam recover --undo",
    reboot: { ...plan.reboot, slurm: survey.slurm ?? null },
    verification: null,
    blockers: plan.blockers,
    notes: plan.notes,
  };
}

/** The reboot an earlier run left owed here, from the record in each home: the earliest, and where. */
function rebootDueOf(survey: RecoverySurvey): RecoverResult["rebootDue"] {
  const owed = survey.homes.filter((home) => home.rebootDueSince !== undefined);
  const since = owed.flatMap((home) => home.rebootDueSince ?? []).sort()[0];
  return since ? { since, homes: owed.map((home) => home.home) } : null;
}

function manualResult(fix: ManualFix): ManualFixResult {
  const none = {
    path: null,
    lines: null,
    variables: null,
    variable: null,
    newShell: null,
    line: null,
    why: null,
  };
  const { credential, command } = fix;
  switch (fix.kind) {
    case "startup-file":
      return {
        ...none,
        kind: fix.kind,
        path: fix.path,
        lines: fix.lines,
        newShell: fix.newShell,
        credential,
        command,
      };
    case "undecided":
      return { ...none, kind: fix.kind, path: fix.path, line: fix.line, why: fix.why, credential, command };
    case "environment":
      return { ...none, kind: fix.kind, variables: fix.variables, credential, command };
    case "key-file":
      return { ...none, kind: fix.kind, path: fix.path, variable: fix.variable ?? null, credential, command };
  }
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
  "move-boto": "move ~/.boto aside",
  "restore-boto": "put ~/.boto back",
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
