import { execa } from "execa";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { stopProcess } from "./processes";

export interface ImdsConfig {
  mode?: "normal" | "hang" | "error500" | "garbage";
  roleName?: string;
  credentials?: { AccessKeyId: string; SecretAccessKey: string; SessionToken: string; Expiration?: string };
  instanceId?: string;
  localIpv4?: string;
  region?: string;
  instanceProfileArn?: string;
  /** Whether /latest/dynamic/instance-identity/document is served (default: yes, where instanceId is set). */
  identityDocument?: boolean;
  /** Answers the role's credentials this late (under the SDK's 1 s timeout): a window to act in mid-run. */
  credentialsDelayMs?: number;
}

export interface FakeImds {
  endpoint: string;
  stop(): Promise<void>;
}

const IMDS_SERVER = fileURLToPath(new URL("./imds-server.mjs", import.meta.url));
const SCRIPTED_SERVER = fileURLToPath(new URL("./scripted-http.mjs", import.meta.url));

/** Starts the IMDSv2 fake in its own process and waits for the port it listens on. */
export function startImds(config: ImdsConfig): Promise<FakeImds> {
  return startServer(IMDS_SERVER, { IMDS_CONFIG: JSON.stringify(config) });
}

export interface ScriptedAnswer {
  status?: number;
  body?: string;
  contentType?: string;
  delayMs?: number;
  /** Accept connections and never answer. */
  hang?: boolean;
  /** Repeat the body this many times (a huge answer). */
  repeat?: number;
}

/** An endpoint that answers every request the same way: an AWS error, garbage, a huge body, a hang. */
export function startScriptedEndpoint(answer: ScriptedAnswer): Promise<FakeImds> {
  return startServer(SCRIPTED_SERVER, { SCRIPTED_ANSWER: JSON.stringify(answer) });
}

/** One of the test endpoints (a script that prints {"port":N} once listening) in its own process. */
export async function startServer(script: string, env: Record<string, string>): Promise<FakeImds> {
  const child = execa("node", [script], {
    env,
    reject: false,
    stdout: "pipe",
    stderr: "inherit",
    cleanup: true,
  });
  const lines = createInterface({ input: child.stdout });
  const first = await new Promise<string>((resolve, reject) => {
    lines.once("line", resolve);
    void child.then(() => reject(new Error(`${script} exited before listening`)));
  });
  lines.close();
  const { port } = JSON.parse(first) as { port: number };
  return { endpoint: `http://127.0.0.1:${port}`, stop: () => stopProcess(child) };
}

/** `iptables-save` on a node with a downgraded-role IMDS proxy: non-root users' IMDS is 127.0.0.1:`port`. */
export function seed002ProxyRules(port: string | number): string {
  return [
    "*nat",
    ":OUTPUT ACCEPT [0:0]",
    `-A OUTPUT -d 169.254.169.254/32 -p tcp -m owner ! --uid-owner 0 -m tcp --dport 80 -j DNAT --to-destination 127.0.0.1:${port}`,
    "-A OUTPUT -d 169.254.169.254/32 -p tcp -m owner --uid-owner 0 -m tcp --dport 80 -j DNAT --to-destination 169.254.0.2:9081",
    "COMMIT",
    "*filter",
    "-A OUTPUT -d 169.254.0.2/32 -p tcp -m owner ! --uid-owner 0 -m tcp --dport 9081 -j DROP",
    "COMMIT",
  ].join("\n");
}
