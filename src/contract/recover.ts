/** `hpiam recover --json`: the document (its plan with --dry-run), and its decoder. */
import type { NewShellEffect } from "../recover/model/manual-fixes";
import type { Blocker } from "../recover/model/recovery-blockers";
import type { LeakedKey, RecoveryPlan, StepId } from "../recover/model/recovery-plan";
import type { HomeSurvey, RecoverySurvey, SlurmState } from "../recover/model/recovery-survey";
import type { UntouchedKeys } from "../recover/model/untouched-keys";
import type { NotDone } from "../recover/model/homes-not-done";
import type { VerdictStatus } from "../identity/model/verdict";
import { keyPlace } from "./check-details";
import {
  array,
  boolean,
  type Decoded,
  decodeWith,
  type Decoder,
  literal,
  nullable,
  number,
  object,
  oneOf,
  optional,
  string,
  variants,
} from "./decode";
import { verdictStatus } from "./whoami";

/** A home this run changes that other nodes mount too: the change reaches them, and what each then needs. */
export interface SharedHomeReach {
  user: string;
  home: string;
  fsType: string;
  mountPoint: string;
  /** Which nodes the change reaches. */
  reaches: string;
  /** What each of them needs, and the command that does it on a Slurm cluster (null: nothing to run). */
  needs: string;
  command: string | null;
  /** The fleet command that would do every node at once, instead of this node's run (null for --undo). */
  instead: string | null;
}

/** The filesystem that holds a home, as the node's mount table says. */
export interface HomeFilesystem {
  fsType: string;
  /** The mount's source (`fs-0123.fsx.us-west-2.amazonaws.com@tcp:/abcdefgh`): one name on every node. */
  source: string;
  mountPoint: string;
  /** The `~/.aws` inside that filesystem, from its root: the same object on every node that mounts it. */
  path: string;
}

/** A home whose `~/.aws` (or `~/.boto`) this run changes, and whether the change reaches other nodes. */
export interface ChangedHome {
  user: string;
  home: string;
  awsDir: string;
  /** On a filesystem other nodes mount too (Lustre, NFS, ZFS, FSx): one change, seen by every one of them. */
  shared: boolean;
  /** Null when the mount table could not be read: taken as this node's own. */
  filesystem: HomeFilesystem | null;
}

/** A reboot this node still owes from an earlier run (its record in the home): keys moved aside at `since`. */
export interface RebootDueResult {
  since: string;
  homes: string[];
}

/** `restored`: --undo put a backup back, so the old keys are in use again: done as asked, but no recovery. */
export type RecoverOutcome = "recovered" | "restored" | "nothing-to-do" | "planned" | "failed" | "refused";

/** A step as the JSON contract gives it: every field present, `null` where it does not apply. */
export interface StepResult {
  id: StepId;
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
      line: null;
      why: null;
    }
  /** A startup file's statement whose effect on AWS_* names hpiam cannot decide (`line`), and `why`. */
  | {
      kind: "undecided";
      path: string;
      lines: null;
      variables: null;
      variable: null;
      newShell: null;
      line: number;
      why: string;
    }
  | {
      kind: "environment";
      path: null;
      lines: null;
      variables: string[];
      variable: null;
      newShell: null;
      line: null;
      why: null;
    }
  | {
      kind: "key-file";
      path: string;
      lines: null;
      variables: null;
      variable: string | null;
      newShell: null;
      line: null;
      why: null;
    }
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
  /** Every home whose files this run changes (only those), each with the filesystem it is on. */
  changedHomes: ChangedHome[];
  /** Found before this run; null once this run rebooted the node, or when nothing is owed. */
  rebootDue: RebootDueResult | null;
  reboot: RecoveryPlan["reboot"] & { slurm: SlurmState | null };
  verification: Verification | null;
  blockers: Blocker[];
  notes: string[];
}

const RECOVER_OUTCOMES: Record<RecoverOutcome, true> = {
  recovered: true,
  restored: true,
  "nothing-to-do": true,
  planned: true,
  failed: true,
  refused: true,
};

const STEP_IDS: Record<StepId, true> = {
  "move-aws-dir": true,
  "delete-aws-dir": true,
  "finish-delete": true,
  "secure-backup": true,
  "restore-aws-dir": true,
  "move-boto": true,
  "restore-boto": true,
  verify: true,
  reboot: true,
};

const strings = array(string);

const step = object<StepResult>({
  id: oneOf(STEP_IDS),
  status: oneOf({ planned: true, done: true, skipped: true, failed: true }),
  user: nullable(string),
  path: nullable(string),
  to: nullable(string),
  command: nullable(strings),
  what: string,
  detail: nullable(string),
});

const user = object<RecoverResult["users"][number]>({
  user: string,
  home: string,
  awsDir: object<AwsDirResult>({
    path: string,
    kind: oneOf({ absent: true, directory: true, file: true, symlink: true, other: true }),
    symlinkTarget: nullable(string),
    outsideHome: boolean,
    accessDenied: boolean,
    profiles: array(keyPlace),
  }),
  backups: strings,
});

const lines = array(object({ line: number, variable: string }));

const manualFix: Decoder<ManualFixResult> = variants<ManualFixResult>((value) => {
  if (value.kind === "startup-file")
    return object({
      kind: literal("startup-file"),
      path: string,
      lines,
      variables: literal(null),
      variable: literal(null),
      newShell: nullable(
        object<NewShellEffect>({ status: oneOf({ broken: true, overridden: true }), reason: string }),
      ),
      line: literal(null),
      why: literal(null),
      credential: boolean,
      command: string,
    });
  if (value.kind === "undecided")
    return object({
      kind: literal("undecided"),
      path: string,
      lines: literal(null),
      variables: literal(null),
      variable: literal(null),
      newShell: literal(null),
      line: number,
      why: string,
      credential: boolean,
      command: string,
    });
  if (value.kind === "environment")
    return object({
      kind: literal("environment"),
      path: literal(null),
      lines: literal(null),
      variables: strings,
      variable: literal(null),
      newShell: literal(null),
      line: literal(null),
      why: literal(null),
      credential: boolean,
      command: string,
    });
  return object({
    kind: literal("key-file"),
    path: string,
    lines: literal(null),
    variables: literal(null),
    variable: nullable(string),
    newShell: literal(null),
    line: literal(null),
    why: literal(null),
    credential: boolean,
    command: string,
  });
});

const leakedKey = object<LeakedKey>({
  user: string,
  profile: string,
  file: string,
  accessKeyId: string,
  iamUser: nullable(string),
  command: nullable(string),
  alsoIn: array(object({ user: string, file: string })),
});

const slurm: Decoder<SlurmState> = variants<SlurmState>((value) =>
  "error" in value ? object({ node: string, error: string }) : object({ node: string, runningJobs: number }),
);

const recoverResult = object<RecoverResult>({
  schemaVersion: literal(1),
  action: oneOf({ recover: true, undo: true }),
  result: oneOf(RECOVER_OUTCOMES),
  reason: string,
  dryRun: boolean,
  users: array(user),
  identityBefore: nullable(
    object<NonNullable<RecoverResult["identityBefore"]>>({
      arn: string,
      type: string,
      name: optional(string),
      accessKeyId: optional(string),
    }),
  ),
  steps: array(step),
  backups: strings,
  manual: array(manualFix),
  leakedKeys: array(leakedKey),
  untouched: array(
    object<UntouchedKeys>({ user: string, home: string, path: string, found: string, command: string }),
  ),
  notDone: array(
    object<NotDone>({ user: nullable(string), home: nullable(string), why: string, command: string }),
  ),
  undo: string,
  sharedHomes: array(
    object<SharedHomeReach>({
      user: string,
      home: string,
      fsType: string,
      mountPoint: string,
      reaches: string,
      needs: string,
      command: nullable(string),
      instead: nullable(string),
    }),
  ),
  changedHomes: array(
    object<ChangedHome>({
      user: string,
      home: string,
      awsDir: string,
      shared: boolean,
      filesystem: nullable(
        object<HomeFilesystem>({ fsType: string, source: string, mountPoint: string, path: string }),
      ),
    }),
  ),
  rebootDue: nullable(object<RebootDueResult>({ since: string, homes: strings })),
  reboot: object<RecoverResult["reboot"]>({
    needed: boolean,
    why: nullable(string),
    command: strings,
    alternative: nullable(string),
    slurm: nullable(slurm),
  }),
  verification: nullable(
    object<Verification>({ status: verdictStatus, reason: string, arn: nullable(string) }),
  ),
  blockers: array(
    object<Blocker>({
      code: oneOf({ "needs-yes": true, "slurm-jobs": true, "slurm-unknown": true, "aws-dir-exists": true }),
      message: string,
      hint: string,
    }),
  ),
  notes: strings,
});

export const decodeRecover = (value: unknown): Decoded<RecoverResult> => decodeWith(recoverResult, value);
