import { setFlagsFromString } from "node:v8";
import { Language, type Node, Parser } from "web-tree-sitter";
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
 * tree-sitter's bash grammar, loaded once and only by the commands that read shell startup files, on V8's
 * baseline WebAssembly compiler, which parses a startup file in well under a millisecond.
 */
export function loadBashParser(): Promise<BashParser> {
  loading ??= load();
  return loading;
}

async function load(): Promise<BashParser> {
  // With the optimizing compiler too, the process could not exit for about half a second while it recompiled
  // the grammar. Set here, not at start: any V8 flag set makes V8 reject the code caches compiled without it
  // (Node's own for its built-in modules, bin/hpiam.js's for the bundle), ~15 ms more for every diagnose.
  setFlagsFromString("--liftoff-only");
  const { runtime, grammar } = await bashGrammarBinaries();
  // The grammar compiles on V8's threads while tree-sitter's runtime starts.
  const [, compiled] = await Promise.all([
    Parser.init({ wasmBinary: runtime } as Parameters<typeof Parser.init>[0]),
    WebAssembly.compile(grammar),
  ]);
  const parser = new Parser();
  parser.setLanguage(Language.loadSync(compiled));
  const parseOnce = (text: string) => {
    const tree = parser.parse(text);
    if (!tree) throw new Error("the bash parser returned no tree");
    return tree;
  };
  return {
    parse(text) {
      let [source, tree] = [text, parseOnce(text)];
      // The grammar reads a line that starts with a backslash (`\export X=1`, which bash runs as `export`
      // without alias expansion) as part of the line before. That backslash becomes a blank (same columns).
      for (let round = 0; round < 64; round++) {
        const glued = gluedBackslash(tree.rootNode, source);
        if (glued === undefined) break;
        tree.delete();
        source = `${source.slice(0, glued)} ${source.slice(glued + 1)}`;
        tree = parseOnce(source);
      }
      const done = tree;
      return { root: done.rootNode, dispose: () => done.delete() };
    },
  };
}

/** Where a word the grammar glued across a newline has its line-starting backslash, if any word is. */
function gluedBackslash(node: Node, source: string): number | undefined {
  if (node.type === "word" && /^\n[ \t]*\\/.test(node.text)) return source.indexOf("\\", node.startIndex);
  for (const child of node.children) {
    const found = child && gluedBackslash(child, source);
    if (found !== undefined) return found;
  }
  return undefined;
}
