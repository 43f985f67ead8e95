/** What recover takes and gives: the options, and the result the JSON contract names. */
import type { AwsOptions } from "../context";
import type { Blocker } from "../domain/recovery/recovery-blockers";
import type { LeakedKey, RecoveryPlan, Step } from "../domain/recovery/recovery-plan";
import type { HomeSurvey, RecoverySurvey, SlurmState } from "../domain/recovery/recovery-survey";
import type { UntouchedKeys } from "../domain/recovery/untouched-keys";
import type { NewShellEffect } from "../domain/recovery/manual-fixes";
import type { NotDone } from "../domain/recovery/homes-not-done";
import type { VerdictStatus } from "../identity/verdict";
import type { SharedHomeReach } from "./shared-homes";

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

/** A home's `~/.aws` as the JSON contract gives it: every field present, `null` where it does not apply. */
export interface AwsDirResult {
  path: string;
  kind: HomeSurvey["awsDir"]["kind"];
  /** Where a symlinked `~/.aws` points; null when it is no symlink. */
  symlinkTarget: string | null;
  outsideHome: boolean;
  /** This process could not look inside (another user's home, without root). */
  accessDenied: boolean;
  profiles: HomeSurvey["awsDir"]["profiles"];
}

/** What a person does by hand, as the JSON contract gives it: every field present, `null` where it does not apply. */
export type ManualFixResult = {
  /** Some line or variable sets keys themselves (not only which profile or file to use). */
  credential: boolean;
  command: string;
} & (
  | {
      kind: "startup-file";
      path: string;
      lines: Array<{ line: number; variable: string }>;
      variables: null;
      variable: null;
      /** Where a line choosing a profile or file breaks or overrides new shells. */
      newShell: NewShellEffect | null;
    }
  | { kind: "environment"; path: null; lines: null; variables: string[]; variable: null; newShell: null }
  | { kind: "key-file"; path: string; lines: null; variables: null; variable: string | null; newShell: null }
);

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
  users: Array<{ user: string; home: string; awsDir: AwsDirResult; backups: string[] }>;
  identityBefore: RecoverySurvey["identityBefore"] | null;
  steps: StepResult[];
  /** Backups this run made (or finished, or restored from with --undo). */
  backups: string[];
  /** Reported, never edited: shell startup lines and variables that set AWS keys. */
  manual: ManualFixResult[];
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
