import type { KeyPlace, UnparseableFile } from "../../identity/model/key-inventory";
import type { NamedCopy } from "./backup-names";
import type { VerdictStatus } from "../../identity/model/verdict";
import type { NotDone } from "./homes-not-done";
import type { LockState } from "./lock-state";
import type { StartupExport, UndecidedForm } from "../../shell/model/shell-exports";
import type { NewShellOutcome } from "../../identity/model/new-shells";

/** What the scanners found in one home: the input of a plan. */
export interface HomeSurvey {
  user: string;
  home: string;
  awsDir: {
    path: string;
    kind: "absent" | "directory" | "file" | "symlink" | "other";
    symlinkTarget?: string;
    /** It resolves to a place outside the home: only ever moved as a link, never followed. */
    outsideHome: boolean;
    accessDenied: boolean;
    /** Where its files hold keys or make botocore fetch them, and for which profiles. */
    profiles: KeyPlace[];
  };
  /** Files of `~/.aws` that are there but could not be read (errno code): the SDK skips them as if empty. */
  unreadableFiles?: Array<{ path: string; code: string }>;
  /** Files of `~/.aws` botocore cannot parse: every AWS command stops at them. */
  unparseable?: UnparseableFile[];
  /** The profile the SDK uses for this user (`--profile`, AWS_PROFILE for the invoking user; else default). */
  activeProfile: string;
  /** `~/.boto` when its [Credentials] hold keys botocore signs with (BOTO_CONFIG does not point elsewhere). */
  boto?: KeyPlace;
  /** Where earlier runs moved `~/.boto` (`.aws.hpiam-boto-*`), oldest first. */
  botoBackups?: Array<NamedCopy & { path: string }>;
  /** hpiam's backups next to `~/.aws`, oldest first. */
  backups: Array<NamedCopy & { path: string; kind: string; ownerOnly: boolean }>;
  /** `.aws.hpiam-deleting-*` a `--delete` that died left behind. */
  leftovers: string[];
  lock: LockState;
  /** A reboot an earlier recover left due in this boot (since that ISO time). */
  rebootDueSince?: string;
  /** What makes a new login shell of this user export AWS keys, in the home's own startup files. */
  exports: StartupExport[];
  /** Statements of the home's own startup files whose effect on AWS_* names hpiam cannot decide (file:line, why). */
  undecided: UndecidedForm[];
  /** Where the startup files (the home's or the machine's) break or override a new shell's chain. */
  newShell?: NewShellOutcome;
  /** Names already in the home, so that a new backup's name is free. */
  entries: string[];
}

export type SlurmState = { node: string; runningJobs: number } | { node: string; error: string };

export interface RecoverySurvey {
  homes: HomeSurvey[];
  /** Looked at, not to be changed: under sudo, root's own home (its keys are named, with what to run). */
  bystanders: HomeSurvey[];
  /** The machine's startup files (/etc), as the homes' users' login shells read them: exports… */
  systemExports: HomeSurvey["exports"];
  /** …and statements whose effect hpiam cannot decide. */
  systemUndecided: HomeSurvey["undecided"];
  /** AWS_* variables set in this process (names only). */
  environment: string[];
  /** Who this process's credential chain is before anything changes: names the leaked key's IAM user. */
  identityBefore?: { arn: string; type: string; name?: string; accessKeyId?: string };
  /** IAM users of the static keys found (masked id → user name), where STS said whose they are. */
  keyOwners?: Record<string, string>;
  /** The verdict on that chain before anything changes (recover only): a plan never ends idle on a problem. */
  verdictBefore?: VerdictStatus;
  /** STS did not answer then: verifying asks it once, not twice, so a run stays bounded (about 6 s). */
  stsSilentBefore?: boolean;
  /** Files outside `~/.aws` botocore takes keys from (boto configs, AWS_CREDENTIAL_FILE's, a shared file a
   * variable moved elsewhere), each with the variable that names it. */
  keyFiles: Array<{ path: string; variable?: string }>;
  isRoot: boolean;
  /** Homes or users this run could not look at (with --all-users). */
  notDone?: NotDone[];
  /** Asked only when a reboot is planned; absent off Slurm. */
  slurm?: SlurmState;
  /** UTC stamp for new backup names. */
  stamp: string;
}
