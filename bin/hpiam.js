#!/usr/bin/env node
// Starts hpiam from its one-file bundle (dist/hpiam.cjs, or the copy a single executable carries), or from the
// bundle of the command named when it has one of its own (dist/commands/<name>.cjs: that command alone, half the
// reading), with the V8 code cache the build trained for this Node version when there is one: whoami then starts
// in about two thirds of the time. A cache from another Node is rejected by V8 and the bundle is compiled as
// usual.
// CommonJS on purpose (bin/package.json): Node's ES module loader would add ~10 ms to every start.
//
// HPIAM_CODE_CACHE_TRAIN=FILE (the build's training runs): write the cache to FILE at exit, and the cache of each
// bundle apart the run loaded to lib/ beside it.
// HPIAM_DEBUG_CODE_CACHE=1: say on stderr whether the cache was used.
"use strict";
/* eslint-disable @typescript-eslint/no-require-imports -- CommonJS on purpose, see above */
const { mkdirSync, readFileSync, renameSync, writeFileSync } = require("node:fs");
const { dirname, join } = require("node:path");
const { Script } = require("node:vm");
const { createRequire, wrap } = require("node:module");

function singleExecutable() {
  try {
    const sea = require("node:sea");
    return sea.isSea() ? sea : undefined;
  } catch {
    return undefined; // Node before 20.12
  }
}

function read(path) {
  try {
    return readFileSync(path);
  } catch {
    return undefined;
  }
}

/** A file of the build: from disk, or the single executable's assets; undefined when it is not there. */
function asset(sea, name) {
  if (!sea) return read(join(DIST, name));
  try {
    return Buffer.from(sea.getAsset(name));
  } catch {
    return undefined;
  }
}

const DIST = join(__dirname, "..", "dist");
const CACHES = `codecache/${process.version}-${process.arch}`;

/** A code cache the build trained: `name` in this Node version's folder, or among the executable's assets. */
function trainedCache(sea, name) {
  return asset(sea, sea ? name : `${CACHES}/${name}`);
}

/**
 * The bundle to start and its cache's name: the named command's own, else the whole CLI's (--help, --version and
 * every command without one), whose cache is `start`.
 */
function entry(sea) {
  const command = /^[a-z][a-z-]*$/.test(process.argv[2] ?? "") ? process.argv[2] : undefined;
  const own = command && asset(sea, `commands/${command}.cjs`);
  if (own) return { name: `commands/${command}.cjs`, source: own, cache: `${command}.codecache` };
  return { name: "hpiam.cjs", source: asset(sea, "hpiam.cjs"), cache: "start.codecache" };
}

/**
 * Runs a bundle in this process as Node's CommonJS loader would, from a V8 code cache (written to `trainFile`
 * at exit when training). Returns its exports.
 */
function runBundle({ source, filename: file, cachedData, trainFile, require: req }) {
  const compiled = new Script(wrap(source), { filename: file, cachedData });
  if (process.env.HPIAM_DEBUG_CODE_CACHE) {
    const state = !cachedData ? "none" : compiled.cachedDataRejected ? "rejected" : "used";
    process.stderr.write(`hpiam: code cache ${state}${file === filename ? "" : ` (${file})`}\n`);
  }
  if (trainFile) {
    process.once("exit", () => {
      // Whole or not at all: a run reading the cache meanwhile must not see half of it.
      mkdirSync(dirname(trainFile), { recursive: true });
      writeFileSync(`${trainFile}.${process.pid}`, compiled.createCachedData());
      renameSync(`${trainFile}.${process.pid}`, trainFile);
    });
  }
  const module = { exports: {} };
  compiled.runInThisContext()(module.exports, req, module, file, dirname(file));
  return module.exports;
}

/**
 * The bundle requires Node's built-ins, the packages bundled apart (`./lib/…`, each started from a code cache
 * of its own, trained beside the bundle's) and the bash parser (`./shell/…`), from disk or the executable.
 */
function requireFor(sea) {
  // Whichever bundle runs, what it requires is beside the whole CLI's.
  const fromDisk = createRequire(join(DIST, "hpiam.cjs"));
  const loaded = new Map();
  const load = (id) => {
    const name = id.slice(2);
    // A bundle apart has a cache of its own (lib/<name>.codecache); the bash parser has none.
    const cache = name.startsWith("lib/") ? name.replace(/\.cjs$/, ".codecache") : undefined;
    const trainFile = cache && train ? join(dirname(train), cache) : undefined;
    return runBundle({
      source: asset(sea, name).toString("utf8"),
      filename: sea ? id : join(DIST, name),
      cachedData: cache && (trainFile ? read(trainFile) : trainedCache(sea, cache)),
      trainFile,
      require,
    });
  };
  return (id) => {
    if (!id.startsWith("./lib/") && !id.startsWith("./shell/")) return sea ? require(id) : fromDisk(id);
    // On disk the bash parser finds its WebAssembly beside it through Node's own loader.
    if (!sea && id.startsWith("./shell/")) return fromDisk(id);
    if (!loaded.has(id)) loaded.set(id, load(id));
    return loaded.get(id);
  };
}

const sea = singleExecutable();
const train = process.env.HPIAM_CODE_CACHE_TRAIN;
const { name, source, cache } = entry(sea);
const filename = sea ? process.execPath : join(DIST, name);
if (source === undefined) {
  process.stderr.write(`hpiam: ${filename} is missing\n  Build it with \`npm run build\`.\n`);
  process.exit(3);
}
runBundle({
  source: source.toString("utf8"),
  filename,
  cachedData: train ? read(train) : trainedCache(sea, cache),
  trainFile: train,
  require: requireFor(sea),
});
