import type { LineEdit, Removal } from "./shell-state";
import { named, type ShellNode, tokens } from "./shell-syntax";

const AFTER_ALONE = /^\s*;?\s*(#.*)?$/;

/**
 * How to take a whole command (an export, an assignment, with its redirections) out of its file without
 * breaking the file or touching anything else: its lines when it stands alone on them at the top level; else
 * the command becomes `:` (a body of `if`, a `&&` list need a command there). One that spans lines inside
 * another keeps the text before it on its first line (now `:`), loses the lines between, and its last line
 * keeps what follows it behind a `:`.
 */
export function commandRemoval(node: ShellNode, lines: readonly string[]): Removal {
  let whole = node;
  while (whole.parent?.type === "redirected_statement") whole = whole.parent;
  const { startPosition: start, endPosition: end } = whole;
  const before = (lines[start.row] ?? "").slice(0, start.column);
  const after = (lines[end.row] ?? "").slice(end.column);
  // `\export …`: the parser reads the command from after the backslash.
  const lead = /^\s*\\?$/.test(before);
  const from = lead && before.endsWith("\\") ? start.column - 1 : start.column;
  if (whole.parent?.type === "program" && lead && AFTER_ALONE.test(after)) {
    return { kind: "lines", from: start.row + 1, to: end.row + 1 };
  }
  if (start.row === end.row) return cut(start.row, from, end.column, ":");
  const edits: LineEdit[] = [cut(start.row, from, (lines[start.row] ?? "").length, ":")];
  if (end.row > start.row + 1) edits.push({ kind: "lines", from: start.row + 2, to: end.row });
  edits.push(
    AFTER_ALONE.test(after)
      ? { kind: "lines", from: end.row + 1, to: end.row + 1 }
      : cut(end.row, 0, end.column, ":"),
  );
  return { kind: "edits", edits };
}

/** Some names of a command that sets several (`export A=1 AWS_…=2`): the word, from `first` to `last`, and the blank before it. */
export function wordRemoval(
  first: ShellNode,
  last: ShellNode,
  command: ShellNode,
  lines: readonly string[],
): Removal {
  const { startPosition: start } = first;
  const { endPosition: end } = last;
  if (start.row !== end.row) return commandRemoval(command, lines);
  const previous = first.previousSibling;
  const from =
    previous && previous.endPosition.row === start.row ? previous.endPosition.column : start.column;
  return cut(start.row, from, end.column, "");
}

/** Lines hold one character a byte (Latin-1), so columns are the byte columns `sed` counts in the C locale. */
function cut(row: number, from: number, to: number, replacement: "" | ":"): LineEdit {
  return { kind: "cut", line: row + 1, column: from, length: Math.max(0, to - from), replacement };
}

/**
 * Where code from a string (eval's, an alias's, PROMPT_COMMAND's) exports: the statement that runs it goes
 * (`whole`) when the text only sets watched names; else no edit takes out only those, and the file is edited by
 * hand.
 */
export function embeddedRemoval(
  root: ShellNode,
  watched: (name: string) => boolean,
  what: string,
  whole: () => Removal,
): Removal {
  if (named(root).every((statement) => setsOnlyWatched(statement, watched))) return whole();
  return { kind: "by-hand", why: `the export is in ${what}'s text, with other commands` };
}

/** A statement that only assigns or exports watched names (so that taking it out takes out nothing else). */
function setsOnlyWatched(statement: ShellNode, watched: (name: string) => boolean): boolean {
  const names = (nodes: readonly ShellNode[]) =>
    nodes
      .filter((node) => !/^-/.test(node.text))
      .every((node) => {
        const name =
          node.type === "variable_assignment"
            ? node.childForFieldName("name")?.text
            : node.text.split(/[+=]/)[0];
        return name !== undefined && watched(name);
      });
  if (statement.type === "declaration_command")
    return tokens(statement)[0]?.type === "export" && names(named(statement));
  if (statement.type === "variable_assignment") return names([statement]);
  return false;
}
