import { Language, Parser } from "web-tree-sitter";
import type { ShellNode } from "../shell/model/shell-syntax";
import { bashGrammarBinaries } from "./bash-grammar";

/** A shell file's syntax tree; `dispose` frees it (trees live in WebAssembly memory). */
export interface ParsedShell {
  root: ShellNode;
  dispose(): void;
}

export interface BashParser {
  /** Never throws on bad syntax: tree-sitter marks what it could not read as ERROR nodes. */
  parse(text: string): ParsedShell;
}

// Node's global; the lib this project compiles against declares only its types.
declare const WebAssembly: { compile(bytes: Uint8Array): Promise<Parameters<typeof Language.loadSync>[0]> };

let loading: Promise<BashParser> | undefined;

/**
 * tree-sitter's bash grammar, loaded once and only by the commands that read shell startup files. bin/hpiam.js
 * keeps V8 to its baseline WebAssembly compiler, which parses a startup file in well under a millisecond.
 */
export function loadBashParser(): Promise<BashParser> {
  loading ??= load();
  return loading;
}

async function load(): Promise<BashParser> {
  const { runtime, grammar } = await bashGrammarBinaries();
  // The grammar compiles on V8's threads while tree-sitter's runtime starts.
  const [, compiled] = await Promise.all([
    Parser.init({ wasmBinary: runtime } as Parameters<typeof Parser.init>[0]),
    WebAssembly.compile(grammar),
  ]);
  const parser = new Parser();
  parser.setLanguage(Language.loadSync(compiled));
  return {
    parse(text) {
      const tree = parser.parse(text);
      if (!tree) throw new Error("the bash parser returned no tree");
      return { root: tree.rootNode, dispose: () => tree.delete() };
    },
  };
}
