// Bundles the CLI into dist/hpiam.cjs: one CommonJS file that runs with plain `node` and no node_modules, and
// the script the single executable embeds (scripts/build-sea.mjs). Packages only some commands load (the AWS
// clients, execa, the SDK's credential chain) are bundles of their own in dist/lib/, and so is the bash parser
// (dist/shell/). Then trains the V8 code caches bin/hpiam.js starts the bundle with
// (scripts/code-cache.mjs).
//
// Why CommonJS and not code-split ES modules: Node 20 has no code cache for ES modules and its ES module loader
// costs ~10 ms before any code runs; on the simulated node, whoami started in ~225 ms from ES module chunks and
// starts in ~135 ms from this bundle and its code cache (README, Performance). Lazy loading still holds: each
// command, the system adapters and the SDK are behind `await import()`, which esbuild turns into modules that
// are evaluated only when imported, and the large AWS clients are not even read until a command needs them.
//
// `--metafile` also writes dist/meta.json (which package went where), to look into what the bundle holds;
// HPIAM_NO_CODE_CACHE=1 skips the training (a quicker build that starts slower).
import { build } from "esbuild";
import { copyFile, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { join } from "node:path";
import { TRAINING, trainCodeCache } from "./code-cache.mjs";

export const BUNDLE = "dist/hpiam.cjs";

const COMMON = {
  bundle: true,
  platform: "node",
  target: "node20",
  format: "cjs",
  // The packages' ES builds: the SDK's credential providers are behind `await import()` there, so they are
  // evaluated only when the chain reaches them.
  mainFields: ["module", "main"],
  // import() of a Node built-in becomes require(): a script run through node:vm (the code cache, the single
  // executable) has no ES module loader to import with.
  supported: { "dynamic-import": false },
  // Start-up time grows with the bundle's size (reading it, and the code cache's share for every function).
  // keepNames: functions and classes keep their `.name`, which the SDK's clients and credential chain compare.
  minify: true,
  keepNames: true,
  // Reached only by the SDK's browser user-agent parser, which never runs on Node.
  external: ["bowser"],
  logLevel: "warning",
};

/**
 * hpiam's own bundles (the CLI's and each command's) without keepNames: naming every function and class as it is
 * defined costs each start a millisecond, and nothing in them reads a function's name (hpiam's errors name
 * themselves, and so do the SDK's in them).
 */
const OWN = { ...COMMON, keepNames: false };

/**
 * Commands with a bundle of their own, dist/commands/<name>.cjs: those the build trains a code cache for (the
 * frequent and unattended ones). It holds that command alone, so its start reads and deserializes half as much;
 * bin/hpiam.js runs it for that command, and the whole CLI for anything else.
 */
const COMMAND_BUNDLES = Object.keys(TRAINING).filter((name) => name !== "start");

/** src/index.ts with one command listed: `defineWhoami` of src/cli.ts for whoami, and so on. */
function commandEntry(name) {
  const define = `define${name.replace(/(^|-)([a-z])/g, (_, __, letter) => letter.toUpperCase())}`;
  return {
    contents: `import { ${define} } from "./src/cli"; import { main } from "./src/main"; main([["${name}", ${define}]]);`,
    resolveDir: ".",
    sourcefile: `src/commands/${name}.ts`,
    loader: "ts",
  };
}

/** commander requires child_process (~10 ms to load) for executable subcommands, which hpiam has none of. */
const lazyChildProcessForCommander = {
  name: "lazy-child-process-for-commander",
  setup(build) {
    build.onResolve({ filter: /^node:child_process$/ }, ({ importer }) =>
      /[\\/]commander[\\/]/.test(importer) ? { path: "child_process", namespace: "lazy" } : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: "lazy" }, () => ({
      contents:
        'let loaded; module.exports = new Proxy({}, { get: (_, key) => (loaded ??= require("node:child_process"))[key] });',
      loader: "js",
    }));
  },
};

/**
 * Packages that only some commands load are bundles of their own in dist/lib/, required when a command first
 * imports them: the AWS clients (SageMaker, SSM, IAM, STS: hundreds of KB each; whoami's GetCallerIdentity is
 * sent without the STS client), execa (commands that run programs), the SDK's own credential chain (the second
 * opinion) and its SSO, login and HTTP providers. Inside the main bundle every start would pay for them:
 * reading them, and the code cache's share for each of their functions. Only named exports are imported from
 * them: a bundle apart is a CommonJS module, whose default export Node's interop takes to be all of it.
 */
const APART = /^(@aws-sdk\/client-[a-z0-9-]+|@aws-sdk\/credential-provider-(node|sso|login|http)|execa)$/;

export const apartFile = (name) => `lib/${name.replace(/^@/, "").replace("/", "-")}.cjs`;

const separatePackages = (used) => ({
  name: "separate-packages",
  setup(build) {
    build.onResolve({ filter: APART }, ({ path }) => {
      used.add(path);
      return { path: `./${apartFile(path)}`, external: true };
    });
  },
});

/**
 * The bash parser (tree-sitter and its bash grammar: 140 KB of JavaScript, 1.5 MB of WebAssembly) is a bundle of
 * its own, dist/shell/bash-parser.cjs, required only when startup files are read: whoami never loads it.
 */
export const SHELL_PARSER = "shell/bash-parser.cjs";

const separateShellParser = {
  name: "separate-shell-parser",
  setup(build) {
    build.onResolve({ filter: /[\\/]system[\\/]bash-parser$/ }, () => ({
      path: `./${SHELL_PARSER}`,
      external: true,
    }));
  },
};

/** The WebAssembly the bash parser runs on, copied next to it (and into the single executable's assets). */
const GRAMMAR_FILES = {
  "web-tree-sitter.wasm": "web-tree-sitter/web-tree-sitter.wasm",
  "tree-sitter-bash.wasm": "tree-sitter-bash/tree-sitter-bash.wasm",
};

/**
 * src/system/bash-grammar.ts reads the WebAssembly from node_modules; the bundle reads the copies beside it, or
 * the single executable's assets. web-tree-sitter's CommonJS build: its ES one finds `require` through
 * `import.meta.url`, which is empty in CommonJS.
 */
const bundledBashGrammar = {
  name: "bundled-bash-grammar",
  setup(build) {
    const resolve = createRequire(import.meta.url).resolve;
    build.onResolve({ filter: /^web-tree-sitter$/ }, () => ({ path: resolve("web-tree-sitter") }));
    build.onLoad({ filter: /[\\/]system[\\/]bash-grammar\.ts$/ }, () => ({
      contents: `
        const { readFile } = require("node:fs/promises");
        const { join } = require("node:path");
        function read(name) {
          const sea = (() => { try { const s = require("node:sea"); return s.isSea() ? s : undefined; } catch {} })();
          return sea ? new Uint8Array(sea.getAsset("shell/" + name)) : readFile(join(__dirname, name));
        }
        export async function bashGrammarBinaries() {
          const [runtime, grammar] = await Promise.all([read("web-tree-sitter.wasm"), read("tree-sitter-bash.wasm")]);
          return { runtime, grammar };
        }`,
      loader: "js",
    }));
  },
};

/** Where bin/hpiam.js looks for the code caches of the Node that runs it. */
export function codeCacheDir(version = process.version, arch = process.arch) {
  return `dist/codecache/${version}-${arch}`;
}

/**
 * Builds dist/hpiam.cjs and dist/lib/*.cjs, for Node 20 and later. Removes the code caches: V8 checks only a
 * cache's Node version, flags and the source's length, so a cache must never outlive the bundle it was trained
 * on (a version bump from 0.1.0 to 0.1.1 keeps the length).
 */
export async function bundle({ metafile = false } = {}) {
  await rm("dist/codecache", { recursive: true, force: true });
  await rm("dist/lib", { recursive: true, force: true });
  await rm("dist/shell", { recursive: true, force: true });
  await rm("dist/commands", { recursive: true, force: true });
  const apart = new Set();
  const cli = (outfile, entry) =>
    build({
      ...OWN,
      ...entry,
      outfile,
      plugins: [lazyChildProcessForCommander, separatePackages(apart), separateShellParser],
      metafile,
    });
  const result = await cli(BUNDLE, { entryPoints: ["src/index.ts"] });
  if (metafile) await writeFile("dist/meta.json", JSON.stringify(result.metafile, null, 1));
  for (const name of COMMAND_BUNDLES)
    await cli(join("dist", "commands", `${name}.cjs`), { stdin: commandEntry(name) });
  await build({
    ...COMMON,
    entryPoints: ["src/system/bash-parser.ts"],
    outfile: join("dist", SHELL_PARSER),
    plugins: [bundledBashGrammar],
  });
  const resolve = createRequire(import.meta.url).resolve;
  for (const [name, from] of Object.entries(GRAMMAR_FILES))
    await copyFile(resolve(from), join("dist", "shell", name));
  for (const name of apart) {
    await build({ ...COMMON, entryPoints: [name], outfile: join("dist", apartFile(name)) });
  }
}

/** `npm run build`: the bundle, and the code caches for the Node that runs the build. */
export async function buildAll({ metafile = false } = {}) {
  // What an earlier layout left behind.
  await rm("dist/chunks", { recursive: true, force: true });
  await rm("dist/hpiam.js", { force: true });
  await rm("dist/aws", { recursive: true, force: true });
  await bundle({ metafile });
  if (process.env.HPIAM_NO_CODE_CACHE) return;
  const made = await trainCodeCache({ loader: "bin/hpiam.js", dir: codeCacheDir() });
  if (!made.includes("start"))
    console.warn("build: no code cache was made; hpiam works without, only slower");
}

if (import.meta.url === `file://${process.argv[1]}`)
  await buildAll({ metafile: process.argv.includes("--metafile") });
