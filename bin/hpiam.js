#!/usr/bin/env node
// Starts hpiam from its one-file bundle (dist/hpiam.cjs, or the copy a single executable carries), with the V8
// code cache the build trained for this Node version when there is one: whoami then starts in about two thirds
// of the time. A cache from another Node is rejected by V8 and the bundle is compiled as usual.
// CommonJS on purpose (bin/package.json): Node's ES module loader would add ~10 ms to every start.
//
// HPIAM_CODE_CACHE_TRAIN=FILE (the build's training runs): write the cache to FILE at exit.
// HPIAM_DEBUG_CODE_CACHE=1: say on stderr whether the cache was used.
"use strict";
/* eslint-disable @typescript-eslint/no-require-imports -- CommonJS on purpose, see above */
const { readFileSync, renameSync, writeFileSync } = require("node:fs");
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

/** The cache trained for this command; --help, --version and an untrained command get the parser's. */
function codeCache(sea) {
  const command = /^[a-z][a-z-]*$/.test(process.argv[2] ?? "") ? process.argv[2] : "start";
  const dir = join(__dirname, "..", "dist", "codecache", `${process.version}-${process.arch}`);
  for (const name of [command, "start"]) {
    if (!sea) {
      const data = read(join(dir, `${name}.codecache`));
      if (data) return data;
    } else {
      try {
        return Buffer.from(sea.getAsset(`${name}.codecache`));
      } catch {
        // not trained for this command
      }
    }
  }
  return undefined;
}

const sea = singleExecutable();
const train = process.env.HPIAM_CODE_CACHE_TRAIN;
const filename = sea ? process.execPath : join(__dirname, "..", "dist", "hpiam.cjs");
const source = sea ? sea.getAsset("hpiam.cjs", "utf8") : read(filename)?.toString("utf8");
if (source === undefined) {
  process.stderr.write(`hpiam: ${filename} is missing\n  Build it with \`npm run build\`.\n`);
  process.exit(3);
}
const cachedData = train ? read(train) : codeCache(sea);

const script = new Script(wrap(source), { filename, cachedData });
if (process.env.HPIAM_DEBUG_CODE_CACHE) {
  const state = !cachedData ? "none" : script.cachedDataRejected ? "rejected" : "used";
  process.stderr.write(`hpiam: code cache ${state}\n`);
}
if (train) {
  process.once("exit", () => {
    // Whole or not at all: a run reading the cache meanwhile must not see half of it.
    writeFileSync(`${train}.${process.pid}`, script.createCachedData());
    renameSync(`${train}.${process.pid}`, train);
  });
}

/**
 * The bundle requires Node's built-ins and (`./aws/…`, `./shell/…`) the AWS clients and the bash parser bundled
 * apart, from disk or the executable.
 */
function requireFor(sea) {
  if (!sea) return createRequire(filename);
  const loaded = new Map();
  return (id) => {
    if (!id.startsWith("./aws/") && !id.startsWith("./shell/")) return require(id);
    if (!loaded.has(id)) {
      const client = { exports: {} };
      const compiled = new Script(wrap(sea.getAsset(id.slice(2), "utf8")), { filename: id });
      compiled.runInThisContext()(client.exports, require, client, id, dirname(id.slice(2)));
      loaded.set(id, client.exports);
    }
    return loaded.get(id);
  };
}

const module_ = { exports: {} };
script.runInThisContext()(module_.exports, requireFor(sea), module_, filename, dirname(filename));
