import { Command, CommanderError, Option } from "commander";
import type { Context } from "./context";
import type { ErrorDocument } from "./contract/error";
import { printable } from "./output/printable";
import { scrubSecrets } from "./output/scrub";
import { ExitCode, HpiamError, UsageError } from "./errors";
import type { ConnectHeadOptions } from "./connect/connect-head";
import type { DiagnoseOptions } from "./diagnose/diagnose";
import type { FleetOptions } from "./fleet/fleet";
import type { MetricsOptions } from "./metrics/metrics";
import type { FleetRecoverOptions, FleetRecoverReport } from "./fleet/fleet-recover";
import type { InstallOptions, InstallResult } from "./metrics/install-units";
import type { CloudWatchOptions } from "./metrics/publish-cloudwatch";
import type { PolicyOptions } from "./iam/policy";
import type { RecoverOptions, RecoverResult } from "./recover/types";
import type { Style } from "./output/style";

/** Where output goes; main() passes the process's, tests pass buffers. */
export interface Io {
  stdout(text: string): void;
  stderr(text: string): void;
  readonly isTTY: boolean;
  readonly env: Readonly<Record<string, string | undefined>>;
}

export interface CommonOptions {
  json?: boolean;
  region?: string;
  profile?: string;
  color: boolean;
  verbose?: boolean;
}

/** May be async: the real one loads the system adapters (and the AWS SDK) only when a command runs. */
export type ContextFactory = (options: { verbose: boolean }) => Context | Promise<Context>;

export const VERSION = "0.1.0";

/** A command's three parts: compute a result, render it for a person, map it to an exit code. */
export interface Outcome<T> {
  result: T;
  render: (result: T, style: Style) => string;
  exitCode: (result: T) => ExitCode;
}

/** What an action gets besides its options: its positional operands, and the output style decided once. */
export interface ActionExtra {
  operands: Array<string | undefined>;
  style: Style;
}

/** Wraps a command's run into a commander action: context, style, output and exit code handled once. */
type Act = <O extends CommonOptions, T>(
  run: (options: O, ctx: Context, extra: ActionExtra) => Promise<Outcome<T>>,
) => (...args: unknown[]) => Promise<void>;

/** What defines a command on the program: its options, help and action. */
export interface Definer {
  program: Command;
  act: Act;
  io: Io;
  argv: readonly string[];
}

/** Commands by name, in the order --help lists them. */
export type Listing = ReadonlyArray<readonly [string, (definer: Definer) => void]>;

/**
 * Every command: the whole CLI's. A command with a bundle of its own (dist/commands/<name>.cjs, scripts/build.mjs)
 * lists only itself, and so leaves the others' code out of that bundle.
 */
export const COMMANDS: Listing = [
  ["whoami", defineWhoami],
  ["connect-head", defineConnectHead],
  ["recover", defineRecover],
  ["policy", definePolicy],
  ["fleet", defineFleet],
  ["diagnose", defineDiagnose],
  ["metrics", defineMetrics],
];

/** Parses argv, runs one command and returns the exit code; never throws, never exits. */
export async function runCli(
  argv: readonly string[],
  rawIo: Io,
  createContext: ContextFactory,
  commands: Listing,
): Promise<ExitCode> {
  const io = scrubbed(rawIo);
  let exitCode: ExitCode = ExitCode.ok;
  const program = new Command("hpiam")
    .description(
      "Which AWS identity is this HyperPod node really using, why, and how to get the right one back.",
    )
    .version(VERSION, "-V, --version")
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout(text),
      writeErr: (text) => io.stderr(text),
      // Commander's usage errors become our one-line message below.
      outputError: () => {},
    })
    .showSuggestionAfterError(false);

  // Commander calls an action with the operands, then the options, then the command itself.
  const act: Act =
    <O extends CommonOptions, T>(
      run: (options: O, ctx: Context, extra: ActionExtra) => Promise<Outcome<T>>,
    ) =>
    async (...args: unknown[]) => {
      const options = args[args.length - 2] as O;
      validateCommon(options);
      const ctx = await createContext({ verbose: Boolean(options.verbose) });
      const { createStyle } = await import("./output/style");
      const style = await createStyle({ color: options.color, env: io.env, isTTY: io.isTTY });
      const operands = args.slice(0, -2).flat() as Array<string | undefined>;
      const { result, render, exitCode: codeOf } = await run(options, ctx, { operands, style });
      io.stdout(options.json ? `${JSON.stringify(result, null, 2)}\n` : render(result, style));
      exitCode = codeOf(result);
    };

  // A run defines only the command it names: commander's setup of every other is a millisecond of each start.
  // --help, --version and anything unknown see them all.
  const named = commands.find(([name]) => name === argv[0]);
  for (const [, define] of named ? [named] : commands) define({ program, act, io, argv });

  try {
    await program.parseAsync(argv, { from: "user" });
    return exitCode;
  } catch (error) {
    return reportError(error, argv, io);
  }
}

export function defineWhoami({ program, act }: Definer): void {
  withCommonOptions(program.command("whoami"))
    .description("the identity any AWS tool on this node uses right now, and where it comes from")
    .option(
      "--expect-role <role>",
      "the role this node should use (name or ARN); default: the instance profile",
    )
    .action(
      act(async (options: CommonOptions & { expectRole?: string }, ctx) => {
        const { whoami, whoamiExitCode } = await import("./identity/whoami");
        const { renderWhoami } = await import("./identity/render-whoami");
        return { result: await whoami(options, ctx), render: renderWhoami, exitCode: whoamiExitCode };
      }),
    );
}

export function defineConnectHead({ program, act, argv }: Definer): void {
  withCommonOptions(program.command("connect-head"))
    .description("a shell on the cluster's head node: ssh on a node, an SSM session off the cluster")
    .argument("[args...]", "after --: passed to ssh (off the cluster: to aws ssm start-session)")
    .option("--cluster <name|arn>", "off the cluster: find the head node through the SageMaker API")
    .option("--group <name>", "the head node's instance group (default: the cluster's controller group)")
    .option(
      "--print",
      "print only the address (SSM target with --cluster): ssh $(hpiam connect-head --print)",
    )
    .option(
      "--ssh-config [host]",
      "with --cluster: add an ssh-over-SSM Host to ~/.ssh/config (default: cluster name)",
    )
    .option("--ssh-user <name>", "the User of that Host entry (default: ubuntu)")
    .option("--resource-config <path>", "the node's resource_config.json (default: /opt/ml/config/…)")
    .action(
      act(async (options: CommonOptions & ConnectHeadOptions, ctx, { operands }) => {
        const { connectHead, connectHeadExitCode, passThroughArgs } = await import("./connect/connect-head");
        const { renderConnectHead } = await import("./connect/render-connect-head");
        const passThrough = passThroughArgs(
          operands.filter((o) => o !== undefined),
          argv,
        );
        return {
          result: await connectHead({ ...options, passThrough }, ctx),
          render: renderConnectHead,
          exitCode: connectHeadExitCode,
        };
      }),
    );
}

export function defineRecover({ program, act, io }: Definer): void {
  withCommonOptions(program.command("recover"))
    .description("put the instance-profile role back: move ~/.aws aside, verify, reboot")
    .option("--dry-run", "print the plan and change nothing")
    .option("--user <name>", "recover this user's home (root for another user's)")
    .option("--all-users", "recover every user's home (root)")
    .option("--delete", "remove ~/.aws instead of keeping a backup")
    .option("--undo", "put the latest backup back")
    .option("-y, --yes", "no questions; needed to reboot (or --delete) without a terminal")
    .addOption(new Option("--no-reboot", "skip the reboot (processes keep the keys they loaded)"))
    .option("--force", "reboot even while Slurm jobs run on this node")
    .action(
      act(async (options: CommonOptions & RecoverOptions, ctx, { style }) => {
        const { recover, recoverExitCode } = await import("./recover/recover");
        const { renderRecover, renderRecoverPlan } = await import("./recover/render-recover");
        const showPlan = (plan: RecoverResult) =>
          io.stderr(`hpiam recover will:\n\n${renderRecoverPlan(plan, style)}\n\n`);
        return {
          // Also with --json: whoever is asked at a terminal sees the plan first (on stderr; stdout stays JSON).
          result: await recover(options, ctx, { showPlan }),
          render: renderRecover,
          exitCode: recoverExitCode,
        };
      }),
    );
}

export function definePolicy({ program, act }: Definer): void {
  withCommonOptions(program.command("policy"))
    .description("print an IAM policy a HyperPod cluster needs as ready-to-apply JSON (hpiam policy --list)")
    .argument(
      "[name]",
      "execution-trust, execution-role, node-trust, node-role, ssm-trust, ssm-server, ssm-client, fleet-admin, node-metrics, eks-cluster-trust, eks-node-trust, fsx, s3-scoped",
    )
    .option("--list", "list the policies and the flags each one takes")
    .option("--attach", "print only the managed policies to attach to the role, one ARN a line")
    .option("--account <id>", "account id (default: the role ARN's, else the caller identity's)")
    .option("--role-arn <arn>", "the execution role's ARN (ssm-server)")
    .option("--bucket <name>", "lifecycle-scripts bucket (node-role)")
    .option("--data-bucket <name>", "data and model-artifacts bucket (node-role, s3-scoped)")
    .action(
      act(async (options: CommonOptions & PolicyOptions, ctx, { operands: [name] }) => {
        const { policy } = await import("./iam/policy");
        const { renderPolicy } = await import("./iam/render-policy");
        return {
          result: await policy(name, options, ctx),
          render: renderPolicy,
          exitCode: () => ExitCode.ok,
        };
      }),
    );
}

export function defineDiagnose({ program, act }: Definer): void {
  withCommonOptions(program.command("diagnose"))
    .description(
      "checks of this node's AWS identity, each with its fix (exit 1 when one fails, 3 when one cannot decide)",
    )
    .option("--checks <ids>", "run only these checks (comma-separated ids)")
    .option("--all-users", "also scan every user's home for keys (root)")
    .option("--resource-config <path>", "the node's resource_config.json (default: /opt/ml/config/…)")
    .option(
      "--iam",
      "also check the execution role, SSM access and EKS roles with IAM reads (the policies of hpiam policy --list)",
    )
    .option("--role <name|arn>", "with --iam: the execution role to check (default: the instance profile's)")
    .option("--cluster <name|arn>", "with --iam: the cluster's execution roles (DescribeCluster)")
    .option(
      "--eks-cluster-role <name|arn>",
      "with --iam: the EKS cluster role (default: the one --cluster's EKS names)",
    )
    .option("--eks-node-role <name|arn>", "with --iam: the EKS node group role to check")
    .action(
      act(async (options: CommonOptions & DiagnoseOptions, ctx) => {
        const { diagnose, diagnoseExitCode } = await import("./diagnose/diagnose");
        const { renderDiagnose } = await import("./diagnose/render-diagnose");
        return { result: await diagnose(options, ctx), render: renderDiagnose, exitCode: diagnoseExitCode };
      }),
    );
}

export function defineMetrics({ program, act, io }: Definer): void {
  const installUnits = act(installAction(io));
  const runMetrics = act(async (options: CommonOptions & MetricsOptions & MetricsPublishing, ctx) => {
    await validateMetricsPublishing(options);
    const { metrics, metricsExitCode, renderMetrics } = await import("./metrics/metrics");
    const result = await metrics(options, ctx, VERSION);
    // A failed publish is one line on stderr and exit 3; the exposition printed or written stands.
    if (result.cloudwatch?.result === "failed")
      io.stderr(`hpiam: ${printable(result.cloudwatch.message)}\n  ${printable(result.cloudwatch.hint)}\n`);
    return { result, render: renderMetrics, exitCode: metricsExitCode };
  });
  const metricsCommand = program
    .command("metrics")
    .description(
      "diagnose's checks (every home, as root) as Prometheus metrics for node_exporter's textfile collector; exit 0 whatever the node's health",
    )
    .option(
      "--textfile-dir <dir>",
      "write hpiam.prom there, whole or not at all, instead of printing (node_exporter's --collector.textfile.directory)",
    )
    .option("--alert-rules", "print a Prometheus rule group that alerts on these metrics");
  // Its own options first in --help, then publishing and installing, then the common ones.
  withRunOptions(withMetricsPublishing(metricsCommand))
    // --install is a command of its own (it writes units and runs nothing), with an outcome of its own.
    .action((...args: unknown[]) =>
      (args[args.length - 2] as MetricsPublishing).install ? installUnits(...args) : runMetrics(...args),
    );
}

/** The output boundary: whatever hpiam prints, a document or a message, passes the one scrubber. */
function scrubbed(io: Io): Io {
  return {
    ...io,
    stdout: (text) => io.stdout(scrubSecrets(text)),
    stderr: (text) => io.stderr(scrubSecrets(text)),
  };
}

const PROFILE_HELP = "use this profile of the shared config files";

function withCommonOptions(command: Command, profile = PROFILE_HELP): Command {
  return withRunOptions(
    command.option("--json", "print one JSON document on stdout and nothing else there"),
    profile,
  );
}

/** The common options but --json: for a command whose output is a format of its own (metrics). */
function withRunOptions(command: Command, profile = PROFILE_HELP): Command {
  return command
    .option("--region <region>", "AWS Region for API calls (default: as the AWS CLI resolves it)")
    .option("--profile <name>", profile)
    .addOption(new Option("--no-color", "no colour in human output"))
    .option("--verbose", "diagnostics on stderr");
}

/** `--profile` is the nodes' over Slurm (passed on to each), the admin's own over SSM. */
const FLEET_PROFILE =
  "Slurm: passed to every node's hpiam (that profile of the node's files counts as in use there); --cluster: this machine's profile, for the SageMaker and SSM calls (never sent to a node)";

/** `hpiam fleet whoami|diagnose|recover`: the commands of one node, on every node (Slurm, or SSM with --cluster). */
export function defineFleet({ program, act, io }: Definer): void {
  const fleet = program
    .command("fleet")
    .description(
      "the same command on every node: through Slurm (srun) on the cluster, or over SSM with --cluster; one report grouped by cause",
    )
    // Without a subcommand commander would print its help and a bare "(outputHelp)": one line instead.
    .action(() => {
      throw new UsageError("fleet needs a command: whoami, diagnose or recover", "See `hpiam fleet --help`.");
    });
  for (const [name, what] of [
    ["whoami", "every node's identity and where it comes from"],
    ["diagnose", "every node's diagnose checks (exit 1 when a node is not healthy or did not answer)"],
  ] as const) {
    withFleetOptions(withCommonOptions(fleet.command(name), FLEET_PROFILE), "default: every node")
      .description(what)
      .action(
        act(async (options: CommonOptions & FleetOptions, ctx) => {
          const { fleetSurvey, fleetExitCode } = await import("./fleet/fleet");
          const { renderFleet } = await import("./fleet/render-fleet");
          return {
            result: await fleetSurvey(name, options, ctx),
            render: renderFleet,
            exitCode: fleetExitCode,
          };
        }),
      );
  }

  withFleetOptions(withCommonOptions(fleet.command("recover"), FLEET_PROFILE), "required")
    .description(
      "recover on every node named, then reboot the verified ones (scontrol reboot ASAP; BatchRebootClusterNodes with --cluster)",
    )
    .option("--dry-run", "every node's plan; nothing changes")
    .option("-y, --yes", "no questions (needed without a terminal)")
    .action(
      act(async (options: CommonOptions & FleetRecoverOptions, ctx, { style }) => {
        const { fleetRecover, fleetRecoverExitCode } = await import("./fleet/fleet-recover");
        const { renderFleetRecover } = await import("./fleet/render-fleet-recover");
        // The plan is what this run will do (no --dry-run label); a "no" is one line, the plan not shown twice.
        const confirm = async (plan: FleetRecoverReport) => {
          io.stderr(
            `hpiam fleet recover will:\n\n${renderFleetRecover({ ...plan, dryRun: false }, style)}\n`,
          );
          return ctx.prompt.confirm("Recover these nodes and reboot them once verified?", false);
        };
        return {
          result: await fleetRecover(options, ctx, { confirm }),
          render: (report: FleetRecoverReport) =>
            renderFleetRecover(
              report.summary.status === "refused" ? { ...report, nodes: [], sharedHomes: [] } : report,
              style,
            ),
          exitCode: fleetRecoverExitCode,
        };
      }),
    );
}

/** `nodes`: what --nodes is without it ("default: every node"), or that the command needs it ("required"). */
function withFleetOptions(command: Command, nodes: "default: every node" | "required"): Command {
  return command
    .option(
      "--nodes <list>",
      `these nodes (Slurm host list, e.g. worker-[1-64]; with --cluster, instance ids); ${nodes}`,
    )
    .option("--partition <name>", "the nodes of this Slurm partition")
    .option("--cluster <name|arn>", "from outside the cluster: its nodes over SSM sessions")
    .option("--group <name>", "with --cluster: the nodes of this instance group")
    .option("--rate <n>", "with --cluster: SSM sessions started a second, at most (default 3)")
    .option("--concurrency <n>", "with --cluster: SSM sessions open at once, at most (default 20)")
    .option("--timeout <seconds>", "how long every node gets to answer (default 60)")
    .option(
      "--hpiam <path>",
      "the hpiam every node runs, at the same path on each (default: this one; with --cluster /fsx/tools/hpiam)",
    );
}

type MetricsPublishing = InstallOptions & CloudWatchOptions;

/** `hpiam metrics`'s --install (and what it takes) and --cloudwatch (and its namespace). */
function withMetricsPublishing(command: Command): Command {
  return command
    .option(
      "--install",
      "write a systemd service and timer that run hpiam metrics --textfile-dir every --interval",
    )
    .option("--interval <span>", "with --install: how often, as a systemd time span (default 5min)")
    .option("--unit-dir <dir>", "with --install: where the units go (default /etc/systemd/system)")
    .option("-y, --yes", "with --install: no questions; needed without a terminal")
    .option(
      "--cloudwatch",
      "also publish NodeHealthy and FailingChecks to CloudWatch, signed with the instance role's own keys",
    )
    .option(
      "--namespace <name>",
      "with --cloudwatch: the CloudWatch namespace (default HyperPod/NodeIdentity)",
    );
}

/** Refused before anything runs: --install's options without it, --namespace without --cloudwatch or unusable. */
async function validateMetricsPublishing(options: MetricsPublishing): Promise<void> {
  const { validateInstallOptions } = await import("./metrics/install-units");
  const { validateCloudWatchOptions } = await import("./metrics/publish-cloudwatch");
  validateInstallOptions(options);
  validateCloudWatchOptions(options);
}

/** --install: writes the service and the timer (the plan on stderr before a person is asked), and runs nothing. */
function installAction(io: Io) {
  return async (
    options: CommonOptions & MetricsPublishing,
    ctx: Context,
    { style }: ActionExtra,
  ): Promise<Outcome<InstallResult>> => {
    await validateMetricsPublishing(options);
    const { installUnits } = await import("./metrics/install-units");
    const { renderInstall, renderInstallPlan } = await import("./metrics/render-install");
    const showPlan = (plan: InstallResult) =>
      io.stderr(`hpiam metrics --install will write:\n\n${renderInstallPlan(plan, style)}\n`);
    return {
      result: await installUnits(options, ctx, { showPlan }),
      render: renderInstall,
      exitCode: () => ExitCode.ok,
    };
  };
}

function validateCommon(options: CommonOptions): void {
  if (options.region !== undefined && !/^[a-z]{2}(-[a-z]+)+-\d+$/.test(options.region)) {
    throw new UsageError(
      `--region: "${options.region}" is not an AWS Region name`,
      "Use a name like us-west-2.",
    );
  }
  if (options.profile !== undefined && !/^[\w.@+-]+$/.test(options.profile)) {
    throw new UsageError(`--profile: "${options.profile}" is not a profile name`);
  }
}

function reportError(error: unknown, argv: readonly string[], io: Io): ExitCode {
  if (error instanceof CommanderError) {
    if (error.exitCode === 0) return ExitCode.ok; // --help, --version
    return reportError(
      new UsageError(error.message.replace(/^error: /, ""), "See `hpiam --help`."),
      argv,
      io,
    );
  }
  const known =
    error instanceof HpiamError
      ? error
      : new HpiamError(
          ExitCode.cannotRun,
          "unexpected",
          `unexpected error: ${(error as Error)?.message ?? error}`,
        );
  if (argv.includes("--json")) {
    const document: ErrorDocument = { schemaVersion: 1, error: known.toJSON() };
    io.stdout(`${JSON.stringify(document, null, 2)}\n`);
  }
  const hint = known.hint ? `  ${printable(known.hint)}\n` : "";
  io.stderr(`hpiam: ${printable(known.message)}\n${hint}`);
  if (argv.includes("--verbose") && error instanceof Error && error.stack) io.stderr(`${error.stack}\n`);
  return known.exitCode;
}
