import type { ConnectHeadResult } from "./connect-head";
import { keyValueBlock, type Style } from "../output/style";

/**
 * `--print` gives the address (or SSM target) alone, for `ssh $(hpiam connect-head --print)`. A session that
 * ran prints nothing of ours unless SSM refused it.
 */
export function renderConnectHead(result: ConnectHeadResult, style: Style): string {
  switch (result.action) {
    case "print":
      return `${result.mode === "node" ? result.address : result.target}\n`;
    case "connected": {
      if (!result.refusal) return "";
      const [cause, remedy] = result.refusal.explanation;
      return `${style.red("✖")} ${cause}\n${remedy ? `  ${remedy}\n` : ""}`;
    }
    case "ssh-config":
      return renderSshConfig(result, style);
  }
}

function renderSshConfig(result: Extract<ConnectHeadResult, { action: "ssh-config" }>, style: Style): string {
  const { path, host, change, backup } = result.sshConfig;
  const head =
    change === "unchanged"
      ? `${style.green("✔")} ${path} already has this Host ${host} entry: nothing changed`
      : `${style.green("✔")} ${change} Host ${host} in ${path}`;
  const rows: Array<[string, string | undefined]> = [
    ["head node", `${result.instanceId} (group ${result.group})`],
    ["via", result.target ?? undefined],
    ["backup", backup ?? undefined],
    ["connect", `ssh ${host}`],
    ["needs", "your public key in ~/.ssh/authorized_keys on the head node, and session-manager-plugin here"],
  ];
  return `${head}\n${keyValueBlock(rows, style)}\n`;
}
