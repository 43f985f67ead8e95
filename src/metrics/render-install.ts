import type { InstallResult, UnitChange } from "./install-units";
import { DEFAULT_TEXTFILE_DIR } from "./model/systemd-units";
import { keyValueBlock, type Style } from "../output/style";

/** What was written, what the timer runs, and the one command that starts it. */
export function renderInstall(result: InstallResult, style: Style): string {
  const written = result.units.filter((unit) => unit.change !== "unchanged").length;
  const head =
    written === 0
      ? `${style.green("✔")} the units are there already, unchanged`
      : `${style.green("✔")} ${written === 1 ? "1 unit" : `${written} units`} written`;
  const rows = installRows(result, {
    created: "created",
    replaced: "replaced",
    unchanged: "unchanged",
    dir: "created",
  });
  return `${head}\n${keyValueBlock(rows, style)}\n\nStart it (hpiam runs no systemctl itself):\n  ${result.next}\n`;
}

/** The same, before anything is written: what a person is shown before being asked. */
export function renderInstallPlan(plan: InstallResult, style: Style): string {
  const rows = installRows(plan, {
    created: "create",
    replaced: "replace",
    unchanged: "keep",
    dir: "to create",
  });
  return `${keyValueBlock(rows, style)}\n`;
}

type Words = Record<UnitChange["change"], string> & { dir: string };

function installRows(result: InstallResult, words: Words): Array<[string, string]> {
  const { path, created } = result.textfileDir;
  return [
    ...result.units.map((unit): [string, string] => [words[unit.change], describe(unit)]),
    ["textfile dir", `${path}${created ? ` (${words.dir}, 0755)` : ""}`],
    ["every", result.interval],
    ["runs", result.runs],
    [
      "node_exporter",
      path === DEFAULT_TEXTFILE_DIR
        ? "Debian's prometheus-node-exporter reads this directory as it comes"
        : `needs --collector.textfile.directory=${path}`,
    ],
  ];
}

function describe(unit: UnitChange): string {
  return unit.backup ? `${unit.path} (the old one is now ${unit.backup})` : unit.path;
}
