import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";

/**
 * The two WebAssembly files the bash parser runs on: tree-sitter's runtime and its bash grammar, read from
 * node_modules. The build puts this module's bytes inline instead (scripts/build.mjs), so that the bundle and
 * the single executable carry them.
 */
export async function bashGrammarBinaries(): Promise<{ runtime: Uint8Array; grammar: Uint8Array }> {
  const resolve = createRequire(import.meta.url).resolve;
  const [runtime, grammar] = await Promise.all([
    readFile(resolve("web-tree-sitter/web-tree-sitter.wasm")),
    readFile(resolve("tree-sitter-bash/tree-sitter-bash.wasm")),
  ]);
  return { runtime, grammar };
}
