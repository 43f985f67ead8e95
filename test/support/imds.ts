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
}

export interface FakeImds {
  endpoint: string;
  stop(): Promise<void>;
}

const SERVER = fileURLToPath(new URL("./imds-server.mjs", import.meta.url));

/** Starts the IMDSv2 fake in its own process and waits for the port it listens on. */
export async function startImds(config: ImdsConfig): Promise<FakeImds> {
  const child = execa("node", [SERVER], {
    env: { IMDS_CONFIG: JSON.stringify(config) },
    reject: false,
    stdout: "pipe",
    stderr: "inherit",
    cleanup: true,
  });
  const lines = createInterface({ input: child.stdout });
  const first = await new Promise<string>((resolve, reject) => {
    lines.once("line", resolve);
    void child.then(() => reject(new Error("the IMDS fake exited before listening")));
  });
  lines.close();
  const { port } = JSON.parse(first) as { port: number };
  return { endpoint: `http://127.0.0.1:${port}`, stop: () => stopProcess(child) };
}
