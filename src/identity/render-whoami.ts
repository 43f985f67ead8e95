import type { WhoamiResult } from "./whoami";
import { printableTree } from "../output/printable";
import type { VerdictStatus } from "./model/verdict";
import { describeSource } from "./model/verdict";
import { keyValueBlock, type Style } from "../output/style";

const MARK: Record<VerdictStatus, (s: Style) => string> = {
  healthy: (s) => s.green("✔ healthy"),
  overridden: (s) => s.red("✖ overridden"),
  mismatch: (s) => s.red("✖ mismatch"),
  broken: (s) => s.red("✖ broken"),
  "no-credentials": (s) => s.red("✖ no-credentials"),
  unknown: (s) => s.yellow("? unknown"),
};

export function renderWhoami(raw: WhoamiResult, style: Style): string {
  const result = printableTree(raw);
  const { identity, credentialSource: source, instanceProfile: imds, verdict, problem, nodeJs } = result;
  const head = `${MARK[verdict.status](style)}  ${verdict.reason}`;
  const who = identity
    ? [identity.type, identity.name, identity.sessionName && `session ${identity.sessionName}`]
        .filter(Boolean)
        .join("  ")
    : undefined;
  const rows: Array<[string, string | null | undefined]> = [
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
    [
      "node.js tools",
      nodeJs
        ? `sign with ${describeSource(nodeJs)} (${nodeJs.accessKeyId}) instead: the SDK for JavaScript orders its chain differently`
        : undefined,
    ],
  ];
  const fix = verdict.fix ? `\n\n  ${style.bold("fix")}  ${verdict.fix}` : "";
  return `${head}\n${keyValueBlock(rows, style)}${fix}\n`;
}
