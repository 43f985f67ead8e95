import { execa, type ResultPromise } from "execa";
import { freePort, requireTool, stopProcess, waitFor } from "./processes";

export interface Moto {
  endpoint: string;
  reset(): Promise<void>;
  stop(): Promise<void>;
}

/** moto_server, the third-party AWS emulator, on a loopback port of its own. */
export async function startMoto(): Promise<Moto> {
  await requireTool("moto_server");
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const child: ResultPromise = execa("moto_server", ["-H", "127.0.0.1", "-p", String(port)], {
    reject: false,
    stdio: "ignore",
    cleanup: true,
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
