import { join } from "node:path";
import { shellWord } from "../../shell/model/shell-words";
import type { RecoveryPlan } from "./recovery-plan";
import type { HomeSurvey } from "./recovery-survey";

/** `--undo`: the latest backup back to `~/.aws`, and the `~/.boto` moved with it (same stamp) back too. */
export function planUndo(home: HomeSurvey, plan: RecoveryPlan): void {
  const latest = home.backups.at(-1);
  // The ~/.boto this run's backup came with (same stamp), or the latest when only ~/.boto was moved.
  const boto = latest
    ? home.botoBackups?.find((copy) => copy.stamp === latest.stamp && copy.serial === latest.serial)
    : home.botoBackups?.at(-1);
  if (boto) {
    plan.steps.push({
      id: "restore-boto",
      user: home.user,
      path: boto.path,
      to: join(home.home, ".boto"),
      what: "put ~/.boto back (its keys are used again)",
    });
  }
  if (!latest) {
    if (!boto) plan.notes.push(`no hpiam backup in ${home.home}`);
    return;
  }
  if (home.awsDir.kind !== "absent") {
    plan.blockers.push({
      code: "aws-dir-exists",
      message: `${home.awsDir.path} exists again, so ${latest.path} cannot be put back`,
      hint: `Move it away first (mv ${shellWord(home.awsDir.path)} ${shellWord(`${home.awsDir.path}.old`)}), then run hpiam recover --undo again.`,
    });
    return;
  }
  plan.steps.push({
    id: "restore-aws-dir",
    user: home.user,
    path: latest.path,
    to: home.awsDir.path,
    what: "put the latest backup back (its keys are used again)",
  });
}
