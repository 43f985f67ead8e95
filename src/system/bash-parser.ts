import { setFlagsFromString } from "node:v8";
import { Language, Parser } from "web-tree-sitter";
import type { ShellNode } from "../domain/shell-syntax";
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

let loading: Promise<BashParser> | undefined;

/** tree-sitter's bash grammar, loaded once and only by the commands that read shell startup files. */
export function loadBashParser(): Promise<BashParser> {
  loading ??= load();
  return loading;
}

async function load(): Promise<BashParser> {
  // V8 would recompile the grammar's hot parse function in the background, and the process could not exit
  // for about half a second; the baseline compiler alone parses a startup file in well under a millisecond.
  setFlagsFromString("--liftoff-only");
  const { runtime, grammar } = await bashGrammarBinaries();
  await Parser.init({ wasmBinary: runtime } as Parameters<typeof Parser.init>[0]);
  const parser = new Parser();
  parser.setLanguage(await Language.load(grammar));
  return {
    parse(text) {
      const tree = parser.parse(text);
      if (!tree) throw new Error("the bash parser returned no tree");
      return { root: tree.rootNode, dispose: () => tree.delete() };
    },
  };
}
