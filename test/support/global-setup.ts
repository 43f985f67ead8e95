import { execa } from "execa";
import { createHash } from "node:crypto";
import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

// Everything the bundle is made from: when none of it changed, dist/ is left as it is. That also keeps a
// second test run from rewriting dist/ under the feet of one already running.
const INPUTS = ["src", "bin", "scripts/build.mjs", "scripts/code-cache.mjs", "package-lock.json"];
const STAMP = "dist/.inputs-hash";
const LOCK = "dist/.building";
const STALE_LOCK_MS = 5 * 60_000;

/** End-to-end tests run the built CLI: build it from the current source first, unless it already is. */
export default async function setup(): Promise<void> {
  const hash = await inputsHash();
  if ((await readFile(STAMP, "utf8").catch(() => "")) === hash) return;
  await withBuildLock(async () => {
    if ((await readFile(STAMP, "utf8").catch(() => "")) === hash) return; // built while we waited
    await rm(STAMP, { force: true });
    await execa("node", ["scripts/build.mjs"], { stdio: "inherit" });
    await writeFile(STAMP, hash);
  });
}

async function inputsHash(): Promise<string> {
  const digest = createHash("sha256").update(process.version);
  for (const path of (await Promise.all(INPUTS.map(filesUnder))).flat().sort()) {
    digest.update(path).update(await readFile(path));
  }
  return digest.digest("hex");
}

async function filesUnder(path: string): Promise<string[]> {
  const entries = await readdir(path, { recursive: true, withFileTypes: true }).catch(() => undefined);
  if (!entries) return [path];
  return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
}

/** mkdir is atomic: one run builds, the others wait for it. A lock older than any build is a killed run's. */
async function withBuildLock(build: () => Promise<void>): Promise<void> {
  await mkdir("dist", { recursive: true });
  const started = Date.now();
  for (;;) {
    const taken = await mkdir(LOCK).then(
      () => true,
      () => false,
    );
    if (taken) break;
    if (Date.now() - started > STALE_LOCK_MS) await rm(LOCK, { recursive: true, force: true });
    await sleep(200);
  }
  try {
    await build();
  } finally {
    await rm(LOCK, { recursive: true, force: true });
  }
}
