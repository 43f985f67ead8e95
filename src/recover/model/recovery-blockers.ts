import type { PlanOptions, RecoveryPlan } from "./recovery-plan";
import type { RecoverySurvey } from "./recovery-survey";

/** Why a run changes nothing at all: each is checked before the first change. */
export interface Blocker {
  code: "needs-yes" | "slurm-jobs" | "slurm-unknown" | "aws-dir-exists";
  message: string;
  hint: string;
}

/** Slurm jobs a reboot would kill, and destructive steps nobody could agree to. */
export function recoverBlockers(plan: RecoveryPlan, survey: RecoverySurvey, options: PlanOptions): Blocker[] {
  const blockers: Blocker[] = [];
  const rebooting = plan.steps.some((step) => step.id === "reboot");
  const alternative = plan.reboot.alternative ?? "";
  const again = `${options.command ?? "hpiam recover"} --yes --no-reboot`;
  if (rebooting && survey.slurm && !options.force) {
    const { slurm } = survey;
    if ("error" in slurm) {
      blockers.push({
        code: "slurm-unknown",
        message: `cannot tell whether jobs run on ${slurm.node}: ${slurm.error}`,
        hint: `Reboot through Slurm later: ${again}, then ${alternative}; or --force to reboot now.`,
      });
    } else if (slurm.runningJobs > 0) {
      blockers.push({
        code: "slurm-jobs",
        message: `${slurm.runningJobs} Slurm job(s) running on ${slurm.node}: a reboot now would kill them`,
        hint: `Let Slurm reboot once they end: ${again}, then ${alternative}; or --force to reboot now.`,
      });
    }
  }
  const deleting = plan.steps.some((step) => step.id === "delete-aws-dir");
  if ((rebooting || deleting) && !options.yes && !options.interactive) {
    const what = [deleting && "delete ~/.aws", rebooting && "reboot the node"].filter(Boolean).join(" and ");
    blockers.push({
      code: "needs-yes",
      message: `no terminal to ask at: refusing to ${what} without --yes`,
      hint: `${needsYesHint(deleting, rebooting)} (see --dry-run for the plan).`,
    });
  }
  return blockers;
}

/** Only what lifts the refusal: --no-reboot alone does nothing for a --delete. */
function needsYesHint(deleting: boolean, rebooting: boolean): string {
  if (!deleting) return "Add --yes to go ahead, or --no-reboot to only move the keys aside";
  const only = rebooting ? "drop --delete and add --no-reboot" : "drop --delete";
  return `Add --yes to go ahead, or ${only} to only move the keys aside`;
}
