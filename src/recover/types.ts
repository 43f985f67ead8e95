/** What recover takes and gives: the options, and the result (its document is src/contract/recover.ts). */
import type { RecoverResult } from "../contract/recover";
import type { AwsOptions } from "../context";

export type {
  AwsDirResult,
  ManualFixResult,
  RecoverOutcome,
  RecoverResult,
  StepResult,
  Verification,
} from "../contract/recover";

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

export interface RecoverHooks {
  /** Called with the plan before the first question is asked, so that a person sees what they agree to. */
  showPlan?(plan: RecoverResult): void;
}
