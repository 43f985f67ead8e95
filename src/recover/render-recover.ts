import type { ManualFixResult, RecoverOutcome, RecoverResult, StepResult } from "./types";
import { printableTree } from "../output/printable";
import { keyValueBlock, type Style } from "../output/style";

const MARK: Record<RecoverOutcome, (s: Style) => string> = {
  recovered: (s) => s.green("✔ recovered"),
  restored: (s) => s.yellow("! restored"),
  "nothing-to-do": (s) => s.green("✔ nothing-to-do"),
  planned: (s) => s.cyan("• planned"),
  failed: (s) => s.red("✖ failed"),
  refused: (s) => s.yellow("✖ refused"),
};

const STATUS: Record<StepResult["status"], (s: Style) => string> = {
  planned: (s) => s.dim("·"),
  done: (s) => s.green("✔"),
  skipped: (s) => s.yellow("–"),
  failed: (s) => s.red("✖"),
};

/** The verdict line, then the plan (or what was done), what a person must do by hand, and the follow-up. */
export function renderRecover(raw: RecoverResult, style: Style): string {
  const result = printableTree(raw);
  // Keys left in a home it did not change, or homes it could not reach: done as asked, but not a green result.
  const unfinished =
    (result.untouched.length > 0 || result.notDone.length > 0) &&
    (result.result === "recovered" || result.result === "nothing-to-do");
  const mark = unfinished ? style.yellow(`! ${result.result}`) : MARK[result.result](style);
  const head = `${mark}  ${result.reason}`;
  const before = result.identityBefore;
  const top = keyValueBlock(
    [
      ["before", before && result.steps.length > 0 ? before.arn : undefined],
      ["dry run", result.dryRun ? "nothing was changed; run without --dry-run to carry this out" : undefined],
    ],
    style,
  );
  return [head, top, renderRecoverPlan(result, style)].filter(Boolean).join("\n") + "\n";
}

/** Everything but the verdict: also what is shown before a question is asked. */
export function renderRecoverPlan(raw: RecoverResult, style: Style): string {
  const result = printableTree(raw);
  const sections = [
    section(
      style,
      result.steps.some((step) => step.status === "done" || step.status === "failed") ? "steps" : "plan",
      result.steps.flatMap((step) => stepLines(step, style)),
    ),
    section(
      style,
      "refused because",
      result.blockers.flatMap((b) => [`${b.message}`, `  ${style.dim(b.hint)}`]),
    ),
    section(
      style,
      "do these yourself (hpiam reports them, never edits them)",
      result.manual.flatMap((fix) => manualLines(fix, style)),
    ),
    section(
      style,
      "still holds keys, not changed (not asked)",
      result.untouched.flatMap((left) => [`${left.path}  ${left.found}`, `  ${style.bold(left.command)}`]),
    ),
    ...result.sharedHomes.map((shared) =>
      section(style, `${shared.home} is on ${shared.fsType}: this change reaches ${shared.reaches}`, [
        `they need ${shared.needs}`,
        ...(shared.command ? [`  ${style.bold(shared.command)}`] : []),
        ...(shared.instead && result.result === "planned"
          ? [`or, instead of this run: ${shared.instead}`]
          : []),
      ]),
    ),
    section(
      style,
      "not looked at or not changed",
      result.notDone.flatMap((unseen) => [
        `${unseen.user ? `${unseen.user}: ` : ""}${unseen.why}`,
        `  ${style.bold(unseen.command)}`,
      ]),
    ),
    section(
      style,
      "security follow-up: an IAM admin deactivates the leaked key",
      result.leakedKeys.flatMap((key) => [
        `${key.accessKeyId}  [${key.profile}] of ${key.file}${key.iamUser ? `, IAM user ${key.iamUser}` : ""}`,
        ...key.alsoIn.map((other) => `  also in ${other.user}'s ${other.file}`),
        `  ${key.command ?? "aws iam update-access-key --user-name <IAM-USER> --access-key-id <KEY-ID> --status Inactive"}`,
      ]),
    ),
    keyValueBlock(
      [
        ["reboot", rebootLine(result)],
        [
          "undo",
          result.action === "recover" && result.result === "recovered" && result.backups.length > 0
            ? result.undo
            : undefined,
        ],
        ["kept", keptLine(result)],
        ...result.notes.map((note): [string, string] => ["note", note]),
      ],
      style,
    ),
  ];
  return sections.filter(Boolean).join("\n\n");
}

function section(style: Style, title: string, lines: string[]): string {
  return lines.length === 0
    ? ""
    : [`  ${style.bold(title)}`, ...lines.map((line) => `    ${line}`)].join("\n");
}

function stepLines(step: StepResult, style: Style): string[] {
  const mark = STATUS[step.status](style);
  const first = `${mark} ${step.id.padEnd(15)} ${target(step)}`;
  const second =
    step.detail && step.status !== "done" ? `${step.status}: ${step.detail}` : (step.detail ?? step.what);
  return [first, `  ${" ".repeat(16)}${style.dim(second)}`];
}

function target(step: StepResult): string {
  switch (step.id) {
    case "move-aws-dir":
    case "restore-aws-dir":
    case "move-boto":
    case "restore-boto":
      return `${step.path} → ${step.to}`;
    case "verify":
      return "a fresh credential chain, as aws sts get-caller-identity resolves it";
    case "reboot":
      return (step.command ?? []).join(" ");
    default:
      return step.path ?? "";
  }
}

function manualLines(fix: ManualFixResult, style: Style): string[] {
  if (fix.kind === "environment") {
    return [`this process's environment: ${fix.variables.join(", ")}`, `  ${style.bold(fix.command)}`];
  }
  if (fix.kind === "undecided") {
    return [`${fix.path}:${fix.line}  what it exports is unknown`, `  ${style.bold(fix.command)}`];
  }
  if (fix.kind === "key-file") {
    const named = fix.variable ? ` (named by ${fix.variable})` : "";
    return [`${fix.path}${named}: keys boto3 and the AWS CLI read`, `  ${style.bold(fix.command)}`];
  }
  const lines = fix.lines.map(({ line, variable }) => `${fix.path}:${line}  ${variable}=…`);
  const effect = fix.newShell ? [`  ${fix.newShell.reason}`] : [];
  return [...lines, ...effect, `  ${style.bold(fix.command)}`];
}

/** Said apart from the steps only when the reboot is not one of them, or did not happen. */
function rebootLine(result: RecoverResult): string | undefined {
  const { reboot } = result;
  const step = result.steps.find((candidate) => candidate.id === "reboot");
  if (!reboot.needed || step?.status === "planned") return undefined;
  if (step?.status === "done") return `requested (${reboot.command.join(" ")})`;
  // Something failed before the reboot: a reboot now would not help, the keys are still read.
  if (result.result === "failed" && step?.status !== "failed")
    return "not yet: once what failed is fixed, hpiam recover finishes the job";
  const jobs =
    reboot.slurm && "runningJobs" in reboot.slurm && reboot.slurm.runningJobs > 0
      ? ` (${reboot.slurm.runningJobs} Slurm job(s) running)`
      : "";
  const how = reboot.alternative ? `sudo reboot, or once jobs end: ${reboot.alternative}` : "sudo reboot";
  return `still needed${jobs}: ${reboot.why ?? ""} — ${how}`;
}

/** Nothing lost: where the keys an earlier run moved aside are, when there is nothing else to say. */
function keptLine(result: RecoverResult): string | undefined {
  if (result.action !== "recover" || result.result !== "nothing-to-do") return undefined;
  const latest = result.users.flatMap((user) => user.backups.slice(-1));
  return latest.length > 0 ? `${latest.join(", ")} (${result.undo} puts it back)` : undefined;
}
