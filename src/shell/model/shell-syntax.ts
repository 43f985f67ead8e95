/** The part of a tree-sitter syntax node that reading shell startup files needs (web-tree-sitter's Node). */
export interface ShellNode {
  /** Equal for the same node: tree-sitter hands out a new object at each access. */
  readonly id: number;
  readonly type: string;
  readonly isNamed: boolean;
  /** This node or one inside it is text the grammar could not read. */
  readonly hasError: boolean;
  readonly text: string;
  readonly startPosition: { row: number; column: number };
  readonly endPosition: { row: number; column: number };
  readonly children: ReadonlyArray<ShellNode | null>;
  readonly namedChildren: ReadonlyArray<ShellNode | null>;
  readonly parent: ShellNode | null;
  readonly previousSibling: ShellNode | null;
  readonly nextSibling: ShellNode | null;
  childForFieldName(name: string): ShellNode | null;
  childrenForFieldName(name: string): ReadonlyArray<ShellNode | null>;
}

/** Three-valued: what a static reading knows of a condition, a setting or a variable. */
export type Tri = "yes" | "no" | "maybe";

export function named(node: ShellNode): ShellNode[] {
  return node.namedChildren.filter((child): child is ShellNode => child !== null && child.type !== "comment");
}

export function tokens(node: ShellNode): ShellNode[] {
  return node.children.filter((child): child is ShellNode => child !== null);
}

export function fields(node: ShellNode, name: string): ShellNode[] {
  return node.childrenForFieldName(name).filter((child): child is ShellNode => child !== null);
}

export function not(value: Tri): Tri {
  return value === "maybe" ? value : value === "yes" ? "no" : "yes";
}

export function tri(value: boolean): Tri {
  return value ? "yes" : "no";
}

/** `*`, `?` and `[…]` of a glob (a case pattern, a `[[ == ]]` right side, a file name) as a regular expression. */
export function globToRegExp(pattern: string): RegExp {
  let source = "";
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i] ?? "";
    if (char === "\\" && i + 1 < pattern.length) source += escapeRegExp(pattern[++i] ?? "");
    else if (char === "*") source += "[\\s\\S]*";
    else if (char === "?") source += "[\\s\\S]";
    else if (char === "[") {
      const end = pattern.indexOf("]", i + 2);
      if (end < 0) source += "\\[";
      else {
        const body = pattern
          .slice(i + 1, end)
          .replace(/^!/, "^")
          .replace(/\\/g, "\\\\");
        source += `[${body}]`;
        i = end;
      }
    } else source += escapeRegExp(char);
  }
  return new RegExp(`^${source}$`);
}

export function hasGlob(word: string): boolean {
  return /[*?[]/.test(word);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}

/** Nodes with nothing between them are one shell word (`AWS_{A,B}=x` is a name node and a concatenation). */
export function shellWords(nodes: readonly ShellNode[]): ShellNode[][] {
  const words: ShellNode[][] = [];
  for (const node of nodes) {
    const last = words.at(-1)?.at(-1);
    const touches =
      last !== undefined &&
      last.endPosition.row === node.startPosition.row &&
      last.endPosition.column === node.startPosition.column;
    if (touches) words.at(-1)?.push(node);
    else words.push([node]);
  }
  return words;
}

/** The part of a command that hpiam cannot know, for the message. */
export function unknownPart(args: readonly ShellNode[]): string {
  const find = (node: ShellNode): ShellNode | undefined => {
    if (
      /^(command_substitution|process_substitution|expansion|simple_expansion|arithmetic_expansion)$/.test(
        node.type,
      )
    )
      return node;
    for (const child of named(node)) {
      const found = find(child);
      if (found) return found;
    }
    return undefined;
  };
  const unknown = args.map(find).find((found) => found !== undefined);
  const text = unknown?.text ?? args.map((arg) => arg.text).join(" ");
  const kind = unknown && /substitution/.test(unknown.type) ? "a command's output" : "a value";
  return `${kind}: ${text.length > 60 ? `${text.slice(0, 57)}…` : text}`;
}
