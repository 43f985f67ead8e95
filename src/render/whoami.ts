import type { WhoamiResult } from "../commands/whoami";
import type { VerdictStatus } from "../domain/verdict";
import { describeSource } from "../domain/verdict";
import { printableTree } from "../domain/printable";
import { keyValueBlock, type Style } from "./style";

const MARK: Record<VerdictStatus, (s: Style) => string> = {
  healthy: (s) => s.green("✔ healthy"),
  overridden: (s) => s.red("✖ overridden"),
  mismatch: (s) => s.red("✖ mismatch"),
  "no-credentials": (s) => s.red("✖ no-credentials"),
  unknown: (s) => s.yellow("? unknown"),
};

export function renderWhoami(raw: WhoamiResult, style: Style): string {
  const result = printableTree(raw);
  const { identity, credentialSource: source, instanceProfile: imds, verdict, problem } = result;
  const head = `${MARK[verdict.status](style)}  ${verdict.reason}`;
  const who = identity
    ? [identity.type, identity.name, identity.sessionName && `session ${identity.sessionName}`]
        .filter(Boolean)
        .join("  ")
    : undefined;
  const rows: Array<[string, string | undefined]> = [
    ["identity", identity?.arn],
    ["type", who],
    ["account", identity?.account],
    ["source", source ? `${source.provider}  (${describeSource(source)})` : undefined],
    [
      "access key",
      source ? `${source.accessKeyId} (${source.longTerm ? "long-term" : "temporary"})` : undefined,
    ],
    [
      "instance role",
      imds.reachable ? (imds.roleName ?? "none attached") : `unreachable (${imds.error ?? "IMDS"})`,
    ],
    ["instance", imds.instanceId],
    ["expected", verdict.expectedRole && `${verdict.expectedRole} (from ${verdict.expectedFrom})`],
    ["problem", problem ? `${problem.message}. ${problem.hint}` : undefined],
  ];
  const fix = verdict.fix ? `\n\n  ${style.bold("fix")}  ${verdict.fix}` : "";
  return `${head}\n${keyValueBlock(rows, style)}${fix}\n`;
}
