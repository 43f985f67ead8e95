import { join } from "node:path";
import { BACKUP_PREFIX, BOTO_BACKUP_PREFIX, DELETING_PREFIX, freeCopyName } from "./backup-names";
import {
  environmentFix,
  keyFileFix,
  type ManualFix,
  type NewShellEffect,
  startupFileFix,
  undecidedFix,
} from "./manual-fixes";
import { shellWord } from "../../shell/model/shell-words";
import { type LeakedKey, leakedKey, onceEachKey } from "./leaked-keys";
import { planUndo } from "./undo-plan";
import { printable } from "../../output/printable";
import type { LockHolder } from "./lock-state";
import { type Blocker, recoverBlockers } from "./recovery-blockers";
import { earlierRun } from "./recovery-resume";
import type { HomeSurvey, RecoverySurvey } from "./recovery-survey";
import { describeFound, overridingProfiles } from "./untouched-keys";
import { describePlace, holdsKeys, type KeyPlace } from "../../identity/model/key-inventory";

export interface PlanOptions {
  action: "recover" | "undo";
  delete: boolean;
  reboot: boolean;
  yes: boolean;
  force: boolean;
  interactive: boolean;
  /** This run's command for hints, with its sudo and --user/--all-users (default `hpiam recover`). */
  command?: string;
}

export type StepId =
  | "move-aws-dir"
  | "delete-aws-dir"
  | "finish-delete"
  | "secure-backup"
  | "restore-aws-dir"
  | "move-boto"
  | "restore-boto"
  | "verify"
  | "reboot";

export interface Step {
  id: StepId;
  user?: string;
  path?: string;
  to?: string;
  command?: string[];
  /** One line: what and why. */
  what: string;
}

export type { LeakedKey } from "./leaked-keys";

export interface RecoveryPlan {
  steps: Step[];
  manual: ManualFix[];
  leakedKeys: LeakedKey[];
  reboot: { needed: boolean; why: string | null; command: string[]; alternative: string | null };
  /** The homes whose keys moved (or are about to, or did in this boot): the ones a reboot is owed for. */
  rebootHomes: string[];
  blockers: Blocker[];
  /** Homes another running recover holds: left alone. */
  busy: Array<{ user: string; holder: LockHolder | null }>;
  /**
   * Homes whose `~/.aws` an earlier run moved (to `moved`) and stopped, cut short or failed: this run verifies,
   * and reboots in the same boot. Its lock names `moved` again, so that a third run can still finish.
   */
  finishing: Array<{ user: string; moved: string }>;
  /** Backups that earlier run made. */
  resumed: string[];
  notes: string[];
}

const WHY_REBOOT =
  "processes started before (the SSM agent, running jobs) keep the keys they loaded until they restart";

/** The steps recover takes, as data: `--dry-run` prints them, recover carries them out in this order. */
export function planRecovery(survey: RecoverySurvey, options: PlanOptions): RecoveryPlan {
  const plan: RecoveryPlan = {
    steps: [],
    manual: manualFixes(survey),
    leakedKeys: [],
    reboot: { needed: false, why: null, command: rebootCommand(survey.isRoot), alternative: null },
    rebootHomes: [],
    blockers: [],
    busy: [],
    finishing: [],
    resumed: [],
    notes: [],
  };
  for (const home of survey.homes) {
    if (home.lock.state === "held") {
      plan.busy.push({ user: home.user, holder: home.lock.holder ?? null });
      continue;
    }
    if (options.action === "undo") planUndo(home, plan);
    else planHome(home, survey, options, plan);
  }
  if (options.action === "undo") return plan;
  plan.leakedKeys = onceEachKey(plan.leakedKeys);

  // A reboot still due is made only after verifying, as the first run would have.
  const rebootOwed = options.reboot && survey.homes.some((home) => home.rebootDueSince !== undefined);
  // A chain that signs as someone else, or not at all, is checked again: the run never ends "nothing to do"
  // (unless another recover holds a home and is still at work on it).
  const wrongBefore =
    plan.busy.length === 0 &&
    ["overridden", "broken", "mismatch"].includes(survey.verdictBefore ?? "healthy");
  if (
    plan.steps.length > 0 ||
    plan.finishing.length > 0 ||
    rebootOwed ||
    plan.manual.some(
      (fix) => fix.credential || fix.kind === "undecided" || (fix.kind === "startup-file" && fix.newShell),
    ) ||
    wrongBefore
  ) {
    plan.steps.push({ id: "verify", what: "must be the instance-profile role" });
  }
  if (plan.reboot.needed && survey.slurm) {
    plan.reboot.alternative = `sudo scontrol reboot ASAP nextstate=resume ${shellWord(survey.slurm.node)}`;
  }
  if (plan.reboot.needed && options.reboot) {
    plan.steps.push({ id: "reboot", command: plan.reboot.command, what: `reboot: ${plan.reboot.why}` });
  }
  plan.blockers.push(...recoverBlockers(plan, survey, options));
  // Homes that share a state (a reboot still due on this node) would each say it: once is enough.
  plan.notes = [...new Set(plan.notes)];
  return plan;
}

function planHome(home: HomeSurvey, survey: RecoverySurvey, options: PlanOptions, plan: RecoveryPlan): void {
  const { awsDir, user } = home;
  // Only what a run of ours renamed (its lock says so) is removed: never a look-alike someone else put there.
  const ours = home.lock.state === "stale" ? home.lock.holder?.moving : undefined;
  for (const path of home.leftovers) {
    if (path === ours) {
      plan.steps.push({ id: "finish-delete", user, path, what: "finish removing what a --delete left" });
    } else plan.notes.push(`${path} looks like what a --delete left; remove it yourself if so`);
  }
  for (const backup of home.backups) {
    if (backup.kind === "directory" && !backup.ownerOnly) {
      plan.steps.push({
        id: "secure-backup",
        user,
        path: backup.path,
        what: "make the backup owner-only (0700)",
      });
    }
  }
  const statics = awsDir.profiles.filter(holdsKeys);
  const overriding = overridingProfiles(home);
  const affected = overriding.length > 0;
  const link =
    awsDir.kind === "symlink"
      ? ` (a symlink${awsDir.outsideHome ? " out of the home" : ""}: only the link)`
      : "";
  if (affected) {
    const found = overriding.join(", ");
    if (options.delete) {
      // Renamed first (atomic), then removed: a removal cut short is finished by the next run.
      const to = join(home.home, freeCopyName(DELETING_PREFIX, survey.stamp, home.entries));
      plan.steps.push({
        id: "delete-aws-dir",
        user,
        path: awsDir.path,
        to,
        what: `remove it${link}: ${found}`,
      });
    } else {
      const to = join(home.home, freeCopyName(BACKUP_PREFIX, survey.stamp, home.entries));
      plan.steps.push({
        id: "move-aws-dir",
        user,
        path: awsDir.path,
        to,
        what: `move it aside${link ? link : ", owner-only"}: ${found}`,
      });
    }
    plan.leakedKeys.push(...statics.map((profile) => leakedKey(home, profile, survey)));
    if (awsDir.symlinkTarget !== undefined) {
      // Only the link goes: this user stops reading the keys, but they stay where it pointed.
      plan.notes.push(
        `${awsDir.path} is a symlink to ${printable(awsDir.symlinkTarget)}: the keys stay there; remove them there if nothing else uses them (a home of its own: sudo hpiam recover --user <its owner>)`,
      );
    }
    markReboot(plan, home.home);
  }
  if (home.boto) planBoto(home, home.boto, survey, plan);
  if (!affected && awsDir.profiles.length > 0) {
    plan.notes.push(
      `${awsDir.path}: ${awsDir.profiles.map(describeFound).join(", ")} — not used by default; left in place`,
    );
  }
  for (const file of home.unreadableFiles ?? []) {
    // Nothing to move for what overrides nothing now; but "no credentials" alone would claim more than is known.
    plan.notes.push(
      `cannot read ${file.path} (${file.code}): AWS tools skip it, so it overrides nothing now, but any keys in it would once it is readable${survey.isRoot ? "" : "; sudo hpiam recover --dry-run looks inside"}`,
    );
  }
  if (home.rebootDueSince !== undefined) {
    plan.notes.push(rebootOwedNote(home.rebootDueSince));
    markReboot(plan, home.home);
  }
  const earlier = earlierRun(home, affected);
  if (earlier) {
    plan.notes.push(earlier.note);
    if (earlier.moved) plan.finishing.push({ user, moved: earlier.moved });
    if (earlier.backup) plan.resumed.push(earlier.backup);
    if (earlier.rebootDue) markReboot(plan, home.home);
  }
}

/** `~/.boto` goes aside with `~/.aws`, under the same stamp, so that --undo puts both back together. */
function planBoto(home: HomeSurvey, boto: KeyPlace, survey: RecoverySurvey, plan: RecoveryPlan): void {
  const to = join(home.home, freeCopyName(BOTO_BACKUP_PREFIX, survey.stamp, home.entries));
  const found = `${describePlace(boto)} in [Credentials]`;
  plan.steps.push({ id: "move-boto", user: home.user, path: boto.path, to, what: `move it aside: ${found}` });
  plan.leakedKeys.push(leakedKey(home, boto, survey));
  markReboot(plan, home.home);
}

/** Said until the reboot is made: a run that makes it drops this note. */
export function rebootOwedNote(since: string): string {
  return `a reboot is still due: hpiam recover moved the keys aside at ${since} without one, and this node has not rebooted since`;
}

function markReboot(plan: RecoveryPlan, home: string): void {
  plan.reboot.needed = true;
  if (!plan.rebootHomes.includes(home)) plan.rebootHomes.push(home);
  plan.reboot.why =
    home === "/root"
      ? `${WHY_REBOOT}; the SSM agent runs as root and may have read ${home}/.aws`
      : WHY_REBOOT;
}

function manualFixes(survey: RecoverySurvey): ManualFix[] {
  const byFile = new Map<string, RecoverySurvey["systemExports"]>();
  for (const found of [...survey.homes.flatMap((home) => home.exports), ...survey.systemExports]) {
    byFile.set(found.path, [...(byFile.get(found.path) ?? []), found]);
  }
  const fixes = [...byFile].map(([path, lines]) =>
    startupFileFix(path, lines, newShellOf(survey, path, lines)),
  );
  // Where hpiam cannot tell what a new shell exports, a person reads the statement: it is never passed over.
  const undecided = [...survey.homes.flatMap((home) => home.undecided), ...survey.systemUndecided].map(
    undecidedFix,
  );
  const keyFiles = survey.keyFiles.map((file) => keyFileFix(file.path, file.variable));
  // A variable a key file's fix already unsets is not unset a second time.
  const variables = survey.environment.filter(
    (name) => !survey.keyFiles.some((file) => file.variable === name),
  );
  return [...fixes, ...undecided, ...keyFiles, ...(variables.length > 0 ? [environmentFix(variables)] : [])];
}

/** What a file's lines do to a new shell of a home whose startup files (its own, or the machine's) they are. */
function newShellOf(
  survey: RecoverySurvey,
  path: string,
  lines: RecoverySurvey["systemExports"],
): NewShellEffect | null {
  const machine = survey.systemExports.some((found) => found.path === path);
  const home = survey.homes.find(
    ({ newShell, exports }) =>
      newShell !== undefined &&
      (machine || exports.some((found) => found.path === path)) &&
      lines.some((line) => newShell.variables.includes(line.variable)),
  );
  return home?.newShell ? { status: home.newShell.status, reason: home.newShell.reason } : null;
}

function rebootCommand(isRoot: boolean): string[] {
  return isRoot ? ["systemctl", "reboot"] : ["sudo", "-n", "systemctl", "reboot"];
}
