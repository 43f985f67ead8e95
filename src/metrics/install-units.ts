import { isAbsolute, join } from "node:path";
import type { Context } from "../context";
import { CannotRunError, type HpiamError, UsageError } from "../errors";
import { utcStamp } from "../recover/model/backup-names";
import {
  DEFAULT_INTERVAL,
  DEFAULT_TEXTFILE_DIR,
  DEFAULT_UNIT_DIR,
  ENABLE_COMMAND,
  formatSpan,
  metricsUnits,
  parseInterval,
} from "./model/systemd-units";

export interface InstallOptions {
  install?: boolean;
  interval?: string;
  unitDir?: string;
  textfileDir?: string;
  yes?: boolean;
  /** Given to every run of the timer too. */
  cloudwatch?: boolean;
  namespace?: string;
  region?: string;
}

export interface UnitChange {
  path: string;
  change: "created" | "replaced" | "unchanged";
  /** Where the unit it replaced is now (beside it; systemd loads no file of that name). */
  backup: string | null;
}

export interface InstallResult {
  schemaVersion: 1;
  result: "installed" | "unchanged";
  units: UnitChange[];
  /** The directory node_exporter reads; created (0755) when it was not there. */
  textfileDir: { path: string; created: boolean };
  interval: string;
  /** The command line every run of the timer runs. */
  runs: string;
  /** What to run next: hpiam starts nothing itself. */
  next: string;
}

export interface InstallHooks {
  /** Shows what is about to be written before a person is asked. */
  showPlan?: (plan: InstallResult) => void;
}

/** The options of --install alone are refused without it: a timer that was never asked for is not written. */
export function validateInstallOptions(options: InstallOptions): void {
  if (options.install) return;
  const stray = (
    [
      ["--interval", options.interval],
      ["--unit-dir", options.unitDir],
      ["--yes", options.yes],
    ] as const
  ).find(([, value]) => value !== undefined);
  if (stray) throw new UsageError(`${stray[0]} needs --install`);
}

/** Writes the service and the timer (asking first at a terminal; without one, only with --yes). */
export async function installUnits(
  options: InstallOptions,
  ctx: Context,
  hooks: InstallHooks = {},
): Promise<InstallResult> {
  const interval = parseInterval(options.interval ?? DEFAULT_INTERVAL);
  if ("problem" in interval) throw new UsageError(`--interval: "${options.interval}": ${interval.problem}`);
  const textfileDir = options.textfileDir ?? DEFAULT_TEXTFILE_DIR;
  if (!isAbsolute(textfileDir)) {
    throw new UsageError(`--textfile-dir: "${textfileDir}" is not an absolute path, which the service needs`);
  }
  const args = [
    "metrics",
    "--textfile-dir",
    textfileDir,
    ...(options.cloudwatch ? ["--cloudwatch"] : []),
    ...(options.namespace !== undefined ? ["--namespace", options.namespace] : []),
    ...(options.region !== undefined ? ["--region", options.region] : []),
  ];
  const made = metricsUnits({
    command: ctx.host.command,
    args,
    textfileDir,
    intervalSeconds: interval.seconds,
  });
  if ("unsayable" in made) throw unsayable(made.unsayable, ctx.host.command);

  const unitDir = options.unitDir ?? DEFAULT_UNIT_DIR;
  if ((await ctx.files.stat(unitDir))?.kind !== "directory") {
    throw new CannotRunError(`${unitDir} is not a directory`, "Name an existing one with --unit-dir.");
  }
  const textfileInfo = await ctx.files.stat(textfileDir);
  if (textfileInfo && textfileInfo.kind !== "directory") {
    throw new CannotRunError(`${textfileDir} is not a directory`, "Name another one with --textfile-dir.");
  }
  const units = await Promise.all(
    made.units.map(async ({ name, text }) => {
      const path = join(unitDir, name);
      return { path, text, change: await changeOf(ctx, path, text) };
    }),
  );
  const plan: InstallResult = {
    schemaVersion: 1,
    result: "installed",
    units: units.map(({ path, change }) => ({ path, change, backup: null })),
    textfileDir: { path: textfileDir, created: textfileInfo === undefined },
    interval: formatSpan(interval.seconds),
    runs: [...ctx.host.command, ...args].join(" "),
    next: ENABLE_COMMAND,
  };
  if (!plan.textfileDir.created && units.every((unit) => unit.change === "unchanged")) {
    return { ...plan, result: "unchanged" };
  }
  await consent(options, ctx, plan, hooks);

  if (plan.textfileDir.created) await writing(textfileDir, () => ctx.files.mkdir(textfileDir, 0o755));
  const written: UnitChange[] = [];
  for (const { path, text, change } of units) {
    const backup = change === "replaced" ? await writing(path, () => moveAside(ctx, path)) : null;
    if (change !== "unchanged") await writing(path, () => createUnit(ctx, path, text));
    written.push({ path, change, backup });
  }
  return { ...plan, units: written };
}

async function createUnit(ctx: Context, path: string, text: string): Promise<void> {
  if (!(await ctx.files.createExclusive(path, text, 0o644))) {
    throw new CannotRunError(`${path} appeared while hpiam wrote it`, "Run hpiam metrics --install again.");
  }
  await ctx.files.chmod(path, 0o644); // whatever the umask
}

/** A file operation whose failure (EACCES as a user, EROFS) is one line naming the path, not a stack. */
async function writing<T>(path: string, operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    if (error instanceof CannotRunError) throw error;
    const code = (error as { code?: string }).code ?? (error as Error).message;
    throw new CannotRunError(
      `cannot write ${path} (${code})`,
      code === "EACCES" ? "Run it as root: sudo hpiam metrics --install" : undefined,
      code === "EACCES" ? "permission-denied" : "cannot-run",
    );
  }
}

async function changeOf(ctx: Context, path: string, text: string): Promise<UnitChange["change"]> {
  const info = await ctx.files.lstat(path);
  if (!info) return "created";
  if (info.kind === "directory") {
    throw new CannotRunError(`${path} is a directory`, "Move it away, or name another --unit-dir.");
  }
  const current = info.kind === "file" ? await ctx.files.readText(path).catch(() => undefined) : undefined;
  return current === text ? "unchanged" : "replaced";
}

/** Consent to write: --yes, or a yes at a terminal; without a terminal nothing is written. */
async function consent(options: InstallOptions, ctx: Context, plan: InstallResult, hooks: InstallHooks) {
  if (options.yes) return;
  if (!ctx.prompt.interactive) {
    throw new UsageError(
      "no terminal to ask at: refusing to write systemd units without --yes",
      "Add --yes to write them: hpiam metrics --install --yes",
    );
  }
  hooks.showPlan?.(plan);
  const replacing = plan.units.some((unit) => unit.change === "replaced");
  const question = replacing
    ? "Replace the units there (keeping the old ones beside them)?"
    : "Write these units?";
  if (!(await ctx.prompt.confirm(question, true)))
    throw new UsageError("declined at the prompt: nothing written");
}

/** The unit it replaces, renamed beside it under a name no other backup has. */
async function moveAside(ctx: Context, path: string): Promise<string> {
  const base = `${path}.hpiam-backup-${utcStamp(ctx.clock.now())}`;
  for (let n = 1; ; n++) {
    const backup = n === 1 ? base : `${base}-${n}`;
    if (!(await ctx.files.lstat(backup))) {
      await ctx.files.rename(path, backup);
      return backup;
    }
  }
}

function unsayable(word: string, command: readonly string[]): HpiamError {
  if (command.includes(word)) {
    return new CannotRunError(
      `hpiam runs from ${word}, a path a systemd unit cannot name as it is`,
      "Install hpiam in a plain path, such as /usr/local/bin/hpiam, and run --install from there.",
    );
  }
  return new UsageError(
    `"${word}" cannot be written into a systemd unit as it is`,
    "Use a plain path or name.",
  );
}
