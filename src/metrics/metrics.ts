/** `hpiam metrics`: diagnose's report as Prometheus metrics, printed or left for node_exporter's textfile collector. */
import { join } from "node:path";
import type { AwsOptions, Context } from "../context";
import { detailsOf } from "../contract/diagnose";
import { diagnose, type DiagnoseResult } from "../diagnose/diagnose";
import { CannotRunError, ExitCode, UsageError } from "../errors";
import { invokingUserHome } from "../node/homes";
import { describeFileFailure } from "../output/file-errors";
import { readRebootDue } from "../recover/recover-traces";
import { ALERT_RULES } from "./model/alert-rules";
import { renderExposition } from "./model/exposition";
import { nodeMetrics } from "./model/node-metrics";
import { type CloudWatchOptions, type CloudWatchPublish, publishNodeHealth } from "./publish-cloudwatch";

export interface MetricsOptions extends AwsOptions, CloudWatchOptions {
  /** node_exporter's `--collector.textfile.directory`: write `hpiam.prom` there instead of printing. */
  textfileDir?: string;
  alertRules?: boolean;
}

/** The file's name in the textfile directory: the collector reads every `*.prom` there. */
export const TEXTFILE_NAME = "hpiam.prom";

/** With --cloudwatch, what CloudWatch was sent (or why nothing was); else null. */
type Published = { cloudwatch: CloudWatchPublish | null };

export type MetricsResult =
  | ({ kind: "exposition"; text: string } & Published)
  /** Written to `path`; nothing printed, so that a timer's journal is not a copy of the file every few minutes. */
  | ({ kind: "textfile"; path: string; text: string } & Published)
  | { kind: "alert-rules"; text: string; cloudwatch?: undefined };

export async function metrics(
  options: MetricsOptions,
  ctx: Context,
  version: string,
): Promise<MetricsResult> {
  if (options.alertRules) {
    if (options.textfileDir !== undefined || options.cloudwatch)
      throw new UsageError(
        "--alert-rules prints a rule group; it writes no textfile and publishes nothing",
        "Leave out --textfile-dir and --cloudwatch.",
      );
    return { kind: "alert-rules", text: ALERT_RULES };
  }
  // A wrong directory is said at once, not after the checks.
  const path = options.textfileDir === undefined ? undefined : await textfilePath(ctx, options.textfileDir);
  const started = ctx.clock.now();
  const report = await diagnose(
    { region: options.region, profile: options.profile, allUsers: ctx.user.uid === 0 },
    ctx,
  );
  const rebootDue = await anyRebootDue(ctx, report);
  const finishedAt = ctx.clock.now();
  const durationSeconds = (finishedAt.getTime() - started.getTime()) / 1000;
  const text = renderExposition(nodeMetrics(report, { finishedAt, durationSeconds, version, rebootDue }));
  if (path !== undefined) await ctx.files.replaceAtomically(path, text, 0o644).catch(cannot(`write ${path}`));
  const cloudwatch = options.cloudwatch ? await publishNodeHealth(report, options, ctx) : null;
  return path === undefined
    ? { kind: "exposition", text, cloudwatch }
    : { kind: "textfile", path, text, cloudwatch };
}

export function renderMetrics(result: MetricsResult): string {
  return result.kind === "textfile" ? "" : result.text;
}

/**
 * A reporter: 0 once the metrics were produced, whatever the node's health (a timer's unit does not turn failed);
 * 3 when CloudWatch was asked for and not sent.
 */
export function metricsExitCode(result: MetricsResult): ExitCode {
  return result.cloudwatch?.result === "failed" ? ExitCode.cannotRun : ExitCode.ok;
}

async function textfilePath(ctx: Context, dir: string): Promise<string> {
  const info = await ctx.files.stat(dir).catch(cannot(`look at ${dir}`));
  if (info?.kind !== "directory") {
    throw new UsageError(
      `--textfile-dir: ${dir} ${info ? "is not a directory" : "does not exist"}`,
      "Give the directory node_exporter's --collector.textfile.directory names.",
    );
  }
  return join(dir, TEXTFILE_NAME);
}

/** A file operation that failed, as one line of what happened and one of what to do: exit 3. */
function cannot(what: string) {
  return (error: unknown): never => {
    const code = (error as { code?: string }).code;
    const failure = describeFileFailure(code);
    // The advice for EACCES is about homes; the textfile directory is the monitoring's, usually root's.
    const todo = code === "EACCES" ? "run it with sudo, or as the directory's owner" : failure?.todo;
    throw new CannotRunError(
      `cannot ${what}: ${failure?.what ?? code ?? String(error)}`,
      todo ?? "check that this user can write to that directory",
    );
  };
}

/** The caller's home and, when every home was scanned, each of them: any with a reboot a recover still owes. */
async function anyRebootDue(ctx: Context, report: DiagnoseResult): Promise<boolean> {
  const scanned = detailsOf(report, "other-users")?.homes ?? [];
  const homes = new Set([(await invokingUserHome(ctx)).home, ...scanned.map((home) => home.home)]);
  const states = await Promise.all([...homes].map((home) => readRebootDue(ctx, home)));
  return states.some((due) => due.state === "due");
}
