import type { Command } from "commander";
import { type Act, type CommonOptions, type Io, withCommonOptions } from "./cli";
import type { FleetOptions } from "./fleet/fleet";
import type { FleetRecoverOptions, FleetRecoverReport } from "./fleet/fleet-recover";
import { UsageError } from "./errors";

/** `hpiam fleet whoami|diagnose|recover`: the commands of one node, on every node (Slurm, or SSM with --cluster). */
export function registerFleet(program: Command, act: Act, io: Io): void {
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
    withFleetOptions(withCommonOptions(fleet.command(name)))
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

  withFleetOptions(withCommonOptions(fleet.command("recover")))
    .description(
      "recover on every node named, then reboot the verified ones (scontrol reboot ASAP; BatchRebootClusterNodes with --cluster)",
    )
    .option("--dry-run", "every node's plan; nothing changes")
    .option("-y, --yes", "no questions (needed without a terminal)")
    .action(
      act(async (options: CommonOptions & FleetRecoverOptions, ctx, { style }) => {
        const { fleetRecover, fleetRecoverExitCode } = await import("./fleet/fleet-recover");
        const { renderFleetRecover } = await import("./fleet/render-fleet-recover");
        const confirm = async (plan: FleetRecoverReport) => {
          io.stderr(`hpiam fleet recover will:\n\n${renderFleetRecover(plan, style)}\n`);
          return ctx.prompt.confirm("Recover these nodes and reboot them once verified?", false);
        };
        return {
          result: await fleetRecover(options, ctx, { confirm }),
          render: renderFleetRecover,
          exitCode: fleetRecoverExitCode,
        };
      }),
    );
}

function withFleetOptions(command: Command): Command {
  return command
    .option(
      "--nodes <list>",
      "these nodes (Slurm host list, e.g. worker-[1-64]; with --cluster, instance ids); default: every node",
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
