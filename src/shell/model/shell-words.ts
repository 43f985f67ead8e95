import type { ShellState } from "./shell-state";
import { type ShellNode, tokens } from "./shell-syntax";

const PARAMETER = /^\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-=+])([^$`\\]*))?\}$/;

/**
 * What a word becomes after bash's expansions, where a static reading can know it: literals, quotes, `~`,
 * `$NAME`, `${NAME}`, `${NAME:-word}`. undefined when it cannot (a command's output, arithmetic, an unknown
 * variable). Globs are left in place: the caller expands them where bash would.
 */
export function expandWord(node: ShellNode, state: ShellState): string | undefined {
  switch (node.type) {
    case "word":
    case "extglob_pattern":
      return expandLiteral(node.text, state);
    case "number":
    case "variable_name":
    case "test_operator":
      return node.text;
    case "raw_string":
      return node.text.slice(1, -1);
    case "string":
      return joined(
        tokens(node).filter((part) => part.isNamed),
        state,
      );
    case "string_content":
      return node.text.replace(/\\([$`"\\\n])/g, (_, char: string) => (char === "\n" ? "" : char));
    case "concatenation":
      return joined(tokens(node), state);
    case "simple_expansion":
      return parameter(node.text.slice(1), state);
    case "expansion":
      return expansion(node.text, state);
    default:
      return undefined;
  }
}

function joined(parts: readonly ShellNode[], state: ShellState): string | undefined {
  let text = "";
  for (const part of parts) {
    const value = part.isNamed ? expandWord(part, state) : part.text;
    if (value === undefined) return undefined;
    text += value;
  }
  return text;
}

export function expandLiteral(text: string, state: ShellState): string | undefined {
  let word = text;
  if (word === "~" || word.startsWith("~/")) {
    const home = state.value("HOME");
    if (home === undefined) return undefined;
    word = home + word.slice(1);
  } else if (word.startsWith("~")) return undefined; // ~user: another user's home
  return word.replace(/\\(.)/g, "$1");
}

function parameter(name: string, state: ShellState): string | undefined {
  return /^([A-Za-z_][A-Za-z0-9_]*|-)$/.test(name) ? state.value(name) : undefined;
}

function expansion(text: string, state: ShellState): string | undefined {
  const match = PARAMETER.exec(text);
  if (!match) return undefined;
  const [, name = "", operator, word = ""] = match;
  const value = state.value(name);
  if (!operator) return value;
  if (value === undefined) return undefined;
  // Without the colon an empty value and an unset one differ, and the reading cannot tell them apart.
  if (value === "" && !operator.startsWith(":") && word !== "") return undefined;
  if (operator.endsWith("+")) return value === "" ? "" : word;
  return value === "" ? word : value;
}

/** Single quotes unless the word is plainly safe for sh. */
export function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
