import type { FleetRecoverReport } from "./fleet-recover";
import { printableTree } from "../output/printable";
import { cut, mark } from "./render-fleet";
import type { Style } from "../output/style";

/** Each node's result, the shared homes, then the reboot Slurm or SageMaker was asked for (or would be). */
export function renderFleetRecover(raw: FleetRecoverReport, style: Style): string {
  // What the nodes printed reaches this terminal: their control characters escaped (the documents are not shown).
  const report = printableTree({ ...raw, nodes: raw.nodes.map((node) => ({ ...node, document: null })) });
  const width = Math.max(4, ...report.nodes.map((node) => node.name.length));
  const statusWidth = Math.max(...report.nodes.map((node) => node.status.length), 6);
  const rows = report.nodes.map((node) => {
    const verdict = node.verified
      ? "recovered"
      : node.status === "nothing-to-do" || node.status === "planned"
        ? "healthy"
        : node.status;
    const verified = node.verified ? style.green("verified") : "";
    return `${mark(verdict, style)} ${node.name.padEnd(width)}  ${node.status.padEnd(statusWidth)}  ${[verified, cut(node.reason ?? "")].filter(Boolean).join("  ")}`;
  });
  const shared = report.sharedHomes.map(
    (home) =>
      `one shared home: ${home.path} on ${home.fsType} ${home.source} (${home.mountPoint}), used by ${home.nodes.join(", ")}${home.movedBy ? `; moved aside once, by ${home.movedBy}` : ""}\n  ${home.others}`,
  );
  const pending = report.rebootPending.map(
    ({ node, reason }) => `${style.red("✖")} ${node} still waits for its reboot: ${reason}`,
  );
  return [
    rows.join("\n"),
    shared.join("\n"),
    rebootLine(report, style),
    pending.join("\n"),
    summaryLine(report, style),
  ]
    .filter(Boolean)
    .join("\n\n")
    .concat("\n");
}

function rebootLine({ reboot, dryRun }: FleetRecoverReport, style: Style): string {
  if (!reboot) return "";
  // SSM: one BatchRebootClusterNodes call per 25 nodes, each command on its line.
  const commands = (reboot.commands ?? [reboot.command]).map((argv) =>
    argv.map((arg) => (/\s/.test(arg) ? `"${arg}"` : arg)).join(" "),
  );
  if (dryRun) return commands.map((command) => `would then run  ${style.bold(command)}`).join("\n");
  return reboot.ok
    ? `${commands.map((command) => `reboot ${style.bold(command)}`).join("\n")}\n  ${reboot.message}`
    : `${style.red("✖")} ${reboot.message}\n${commands.map((command) => `  run: ${command}`).join("\n")}`;
}

function summaryLine({ summary, dryRun, engine }: FleetRecoverReport, style: Style): string {
  const notAsked = summary.notAsked.length ? `; not asked: ${summary.notAsked.join(", ")}` : "";
  const what = `${summary.nodes} node${summary.nodes === 1 ? "" : "s"}`;
  // Slurm waits for the running jobs; HyperPod's BatchRebootClusterNodes reboots now.
  const when = engine.name === "ssm" ? "are rebooting" : "reboot once their jobs end";
  switch (summary.status) {
    case "recovered":
      return `${style.green("✔ recovered")}  ${what}: the verified ones ${when}`;
    case "nothing-to-do":
      return `${style.green("✔ nothing to do")}  ${what}`;
    case "planned":
      return `• planned  ${what}${dryRun ? ": nothing changed (--dry-run)" : ""}${notAsked}`;
    case "refused":
      return `${style.yellow("– refused")}  nothing changed`;
    case "not-asked":
      return `${style.red("✖ no node could be asked")}  ${what}`;
    default:
      return `${style.red("✖ failed")}  ${what}: see each node's line; only verified nodes are rebooted`;
  }
}
