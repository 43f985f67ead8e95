import { execa, type ResultPromise } from "execa";
import { freePort, requireTool, stopProcess, waitFor } from "./processes";

export interface Moto {
  endpoint: string;
  reset(): Promise<void>;
  stop(): Promise<void>;
}

export interface MotoOptions {
  /** MOTO_IAM_LOAD_MANAGED_POLICIES: IAM knows the AWS managed policies (AmazonEKS*, …), so they can be attached. */
  managedPolicies?: boolean;
  /** A file moto appends every request it gets to, headers included (one JSON object a line): who signed what. */
  recording?: string;
}

/** moto_server, the third-party AWS emulator, on a loopback port of its own. */
export async function startMoto(options: MotoOptions = {}): Promise<Moto> {
  await requireTool("moto_server");
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const child: ResultPromise = execa("moto_server", ["-H", "127.0.0.1", "-p", String(port)], {
    reject: false,
    stdio: "ignore",
    cleanup: true,
    env: {
      ...(options.managedPolicies ? { MOTO_IAM_LOAD_MANAGED_POLICIES: "true" } : {}),
      ...(options.recording
        ? { MOTO_ENABLE_RECORDING: "true", MOTO_RECORDER_FILEPATH: options.recording }
        : {}),
    },
  });
  try {
    await waitFor(async () => (await fetch(`${endpoint}/moto-api/`)).ok, 30_000, "moto_server");
  } catch (error) {
    await stopProcess(child);
    throw error;
  }
  return {
    endpoint,
    async reset() {
      await fetch(`${endpoint}/moto-api/reset`, { method: "POST" });
    },
    stop: () => stopProcess(child),
  };
}
