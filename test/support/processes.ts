import { type ResultPromise, execa } from "execa";
import { afterAll, beforeAll } from "vitest";
import { existsSync } from "node:fs";
import { createServer } from "node:net";

/** A free TCP port on the loopback interface. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

export async function waitFor(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${what} did not come up within ${timeoutMs} ms`);
}

export async function stopProcess(child: ResultPromise): Promise<void> {
  if (child.exitCode !== null) return;
  child.kill("SIGTERM");
  await Promise.race([child.catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 3000))]);
  if (child.exitCode === null) child.kill("SIGKILL");
}

/** Fails loudly when a tool the simulated node needs is missing: never skip silently. */
/**
 * Debian's packages a test needs (the AWS CLI v2, Slurm…), installed when `missing` names something and this
 * runs as root, as .ci/run does; otherwise the test fails with the exact command to run.
 */
export async function requireDebianPackages(
  packages: readonly string[],
  missing: () => Promise<string[]>,
): Promise<void> {
  const absent = await missing();
  if (absent.length === 0) return;
  const command = `apt-get update && apt-get install -y --no-install-recommends ${packages.join(" ")}`;
  if (process.getuid?.() !== 0)
    throw new Error(`the tests need ${absent.join(", ")}: as root, run ${command}`);
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  const installed = await execa("sh", ["-c", command], { env, reject: false, all: true });
  const still = await missing();
  if (installed.exitCode !== 0 || still.length > 0) {
    throw new Error(`could not install ${packages.join(" ")} (${command}):\n${installed.all ?? ""}`);
  }
}

/** The paths of these that do not exist. */
export const missingPaths =
  (...paths: string[]) =>
  async () =>
    paths.filter((path) => !existsSync(path));

/**
 * A fixture for the tests of one `describe`: started before them, stopped after them (also on failure). The
 * returned object stands for the fixture once it is up.
 */
export function useStarted<T extends { stop(): Promise<void> }>(
  what: string,
  start: () => Promise<T>,
  timeoutMs?: number,
): T {
  let started: T | undefined;
  beforeAll(async () => {
    started = await start();
  }, timeoutMs);
  afterAll(async () => {
    await started?.stop();
  });
  return new Proxy({} as T, {
    get(_target, key) {
      if (!started) throw new Error(`${what} is used outside its tests`);
      return started[key as keyof T];
    },
  });
}

export async function requireTool(command: string): Promise<void> {
  const found = await execa("sh", ["-c", `command -v ${command}`], { reject: false });
  if (found.exitCode !== 0) {
    throw new Error(`\`${command}\` is not on PATH: the end-to-end tests need it (README, Quick start).`);
  }
}
