import { type ResultPromise, execa } from "execa";
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
 * A Debian package a test needs (Debian's AWS CLI v2, Slurm…): installed when `path` is missing and this runs
 * as root, as .ci/run does; otherwise the test fails with the exact command to run.
 */
export async function requireDebianPackage(pkg: string, path: string): Promise<void> {
  if (existsSync(path)) return;
  const command = `apt-get update && apt-get install -y --no-install-recommends ${pkg}`;
  if (process.getuid?.() !== 0) throw new Error(`${path} is missing: as root, run ${command}`);
  const installed = await execa("sh", ["-c", command], {
    reject: false,
    env: { DEBIAN_FRONTEND: "noninteractive" },
  });
  if (installed.exitCode !== 0 || !existsSync(path)) {
    throw new Error(
      `${command} failed (${installed.exitCode}): ${installed.stderr.split("\n").at(-1) ?? ""}`,
    );
  }
}

export async function requireTool(command: string): Promise<void> {
  const found = await execa("sh", ["-c", `command -v ${command}`], { reject: false });
  if (found.exitCode !== 0) {
    throw new Error(
      `\`${command}\` is not on PATH: the end-to-end tests need it (see TESTING.md in README).`,
    );
  }
}
