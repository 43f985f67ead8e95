/**
 * Where the node's iptables send requests for IMDS (169.254.169.254:80), read from `iptables-save`
 * (docs/hyperpod-files.md §6). Stock HyperPod sends everyone to its role agent; a downgraded-role proxy sends
 * non-root users to a local proxy that serves a downgraded role, and root to the role agent.
 */

export const IMDS_ADDRESS = "169.254.169.254";
/** HyperPod's role agent (SageMakerRoleProxyAgent), which serves the instance group's role. */
export const ROLE_AGENT = "169.254.0.2:9081";

export interface ImdsRedirects {
  /** Where root's IMDS requests go (`ip:port`); undefined: straight to IMDS. */
  root?: string;
  /** Where other users' IMDS requests go. */
  nonRoot?: string;
  /** A filter rule drops non-root traffic to the role agent, so non-root cannot go around the proxy. */
  directAccessBlocked: boolean;
  /** The rules that concern IMDS or the role agent, as iptables-save prints them. */
  rules: string[];
}

export type ImdsSetup = "none" | "stock" | "proxy" | "other";

type Owner = "root" | "non-root" | "any";

/** Reads the nat and filter OUTPUT rules; the first matching rule wins, as in the kernel. */
export function parseImdsRedirects(iptablesSave: string): ImdsRedirects {
  let table = "";
  const found: ImdsRedirects = { directAccessBlocked: false, rules: [] };
  for (const raw of iptablesSave.split("\n")) {
    const line = raw.trim();
    if (line.startsWith("*")) table = line.slice(1);
    if (!line.startsWith("-A OUTPUT ") && !line.startsWith("-I OUTPUT ")) continue;
    const words = line.split(/\s+/);
    const destination = valueAfter(words, "-d")?.replace(/\/32$/, "");
    const port = valueAfter(words, "--dport");
    const owner = ownerOf(words);
    if (destination === IMDS_ADDRESS && (port === undefined || port === "80")) {
      const to = targetOf(words);
      if (to === undefined || (table !== "nat" && table !== "")) continue;
      found.rules.push(line);
      if (owner !== "non-root") found.root ??= to;
      if (owner !== "root") found.nonRoot ??= to;
    } else if (`${destination}:${port ?? "9081"}` === ROLE_AGENT && /-j (DROP|REJECT)\b/.test(line)) {
      found.rules.push(line);
      if (owner === "non-root") found.directAccessBlocked = true;
    }
  }
  return found;
}

export function classifyImdsSetup(redirects: ImdsRedirects): ImdsSetup {
  const { root, nonRoot } = redirects;
  if (root === undefined && nonRoot === undefined) return "none";
  if (root === ROLE_AGENT && nonRoot === ROLE_AGENT) return "stock";
  if (nonRoot !== undefined && isLoopback(nonRoot) && nonRoot !== root) return "proxy";
  return "other";
}

export function isLoopback(endpoint: string): boolean {
  return /^127\.\d+\.\d+\.\d+:\d+$/.test(endpoint);
}

function valueAfter(words: readonly string[], flag: string): string | undefined {
  const at = words.indexOf(flag);
  return at < 0 ? undefined : words[at + 1];
}

function ownerOf(words: readonly string[]): Owner {
  const at = words.indexOf("--uid-owner");
  if (at < 0) return "any";
  const uid = words[at + 1];
  const negated = words[at - 1] === "!";
  if (uid !== "0" && uid !== "root") return "non-root"; // a range of ordinary users
  return negated ? "non-root" : "root";
}

/** `-j DNAT --to-destination 127.0.0.1:8080`, or `-j REDIRECT --to-ports 8080` (the same, on loopback). */
function targetOf(words: readonly string[]): string | undefined {
  const jump = valueAfter(words, "-j");
  if (jump === "DNAT") {
    const to = valueAfter(words, "--to-destination");
    return to === undefined ? undefined : to.includes(":") ? to : `${to}:80`;
  }
  if (jump === "REDIRECT") return `127.0.0.1:${valueAfter(words, "--to-ports") ?? "80"}`;
  return undefined;
}
