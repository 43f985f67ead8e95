import type { Removal } from "./shell-state";
import type { ShellNode } from "./shell-syntax";

const AFTER_ALONE = /^\s*;?\s*(#.*)?$/;

/**
 * How to take a whole command (an export, an assignment) out of its file without breaking the file: its lines
 * when it stands alone on them at the top level; else the command is replaced by `:` (a body of `if`, a
 * `&&` list need a command there); else, when it spans lines, the whole top-level statement goes.
 */
export function commandRemoval(node: ShellNode, lines: readonly string[]): Removal {
  const { startPosition: start, endPosition: end } = node;
  const before = (lines[start.row] ?? "").slice(0, start.column);
  const after = (lines[end.row] ?? "").slice(end.column);
  if (node.parent?.type === "program" && /^\s*$/.test(before) && AFTER_ALONE.test(after)) {
    return { kind: "lines", from: start.row + 1, to: end.row + 1 };
  }
  if (start.row === end.row) return cut(lines, start.row, start.column, end.column, ":");
  let top = node;
  while (top.parent && top.parent.type !== "program") top = top.parent;
  return { kind: "lines", from: top.startPosition.row + 1, to: top.endPosition.row + 1 };
}

/** One name of a command that sets several (`export A=1 AWS_…=2`): the word and the blank before it. */
export function wordRemoval(word: ShellNode, command: ShellNode, lines: readonly string[]): Removal {
  const { startPosition: start, endPosition: end } = word;
  if (start.row !== end.row) return commandRemoval(command, lines);
  const previous = word.previousSibling;
  const from =
    previous && previous.endPosition.row === start.row ? previous.endPosition.column : start.column;
  return cut(lines, start.row, from, end.column, "");
}

/** Columns in bytes, as `sed` in the C locale counts them (tree-sitter counts UTF-16 units). */
function cut(
  lines: readonly string[],
  row: number,
  from: number,
  to: number,
  replacement: "" | ":",
): Removal {
  const line = lines[row] ?? "";
  const bytes = (text: string) => new TextEncoder().encode(text).length;
  return {
    kind: "cut",
    line: row + 1,
    column: bytes(line.slice(0, from)),
    length: bytes(line.slice(from, to)),
    replacement,
  };
}
