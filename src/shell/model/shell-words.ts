import type { ShellState } from "./shell-state";
import { type ShellNode, tokens } from "./shell-syntax";

/** An assignment an expansion makes (`${NAME:=word}`), for the reader to record. */
export type OnAssign = (name: string, value: string) => void;

/** The shells whose startup files hpiam reads; they differ in how a word is split and a file is parsed. */
export type Dialect = "bash" | "zsh";

/**
 * What a word becomes after bash's expansions, where a static reading can know it: literals, quotes, `~`,
 * `$NAME`, `${NAME}`, `${NAME:-word}`, `${NAME:=word}` (which also assigns), `$1`. undefined when it cannot (a
 * command's output, arithmetic, an unknown variable). Globs are left in place: the caller expands them where
 * bash would.
 */
export function expandWord(node: ShellNode, state: ShellState, assign?: OnAssign): string | undefined {
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
    case "ansi_c_string":
      return /\\/.test(node.text) ? undefined : node.text.slice(2, -1);
    case "string":
      return joined(
        tokens(node).filter((part) => part.isNamed),
        state,
        assign,
      );
    case "string_content":
      return node.text.replace(/\\([$`"\\\n])/g, (_, char: string) => (char === "\n" ? "" : char));
    case "concatenation":
      return joined(tokens(node), state, assign);
    case "simple_expansion":
      return parameter(node.text.slice(1), state);
    case "expansion":
      return expansion(node, state, assign);
    default:
      return undefined;
  }
}

function joined(parts: readonly ShellNode[], state: ShellState, assign?: OnAssign): string | undefined {
  let text = "";
  for (const part of parts) {
    const value = part.isNamed ? expandWord(part, state, assign) : part.text;
    if (value === undefined) return undefined;
    text += value;
  }
  return text;
}

/**
 * The words one shell word becomes: an unquoted expansion is split at blanks (bash; zsh splits only a command's
 * output), `"$@"` gives one word per argument. undefined when any part is unknown.
 */
export function expandFields(
  node: ShellNode,
  state: ShellState,
  dialect: Dialect,
  assign?: OnAssign,
): string[] | undefined {
  if (node.type === "string" && /^"\$(@|\{@\})"$/.test(node.text)) {
    const all = state.positional;
    return all.every((arg) => arg !== undefined) ? (all as string[]) : undefined;
  }
  const parts = node.type === "concatenation" ? tokens(node) : [node];
  const fields: string[] = [];
  let current = "";
  let started = false;
  for (const part of parts) {
    const text = part.isNamed ? expandWord(part, state, assign) : part.text;
    if (text === undefined) return undefined;
    const splits =
      part.type === "command_substitution" ||
      (dialect === "bash" && (part.type === "simple_expansion" || part.type === "expansion"));
    if (!splits) {
      current += text;
      started ||= part.type === "string" || part.type === "raw_string" || text !== "";
      continue;
    }
    text.split(/[ \t\n]+/).forEach((piece, at) => {
      if (at > 0 && started) fields.push(current);
      if (at > 0) [current, started] = ["", false];
      current += piece;
      started ||= piece !== "";
    });
  }
  if (started) fields.push(current);
  return fields;
}

/**
 * What a word is known to start with, when the rest of it is not known (`"AWS_PROFILE=$(cat f)"`, `"MY_$x"`):
 * the literal text before the first unknown part, and whether that unknown part may split the word in two
 * (unquoted), so that a later word could be any name.
 */
export function knownPrefix(node: ShellNode, state: ShellState): { text: string; mayDivide: boolean } {
  const quoted = node.type === "string";
  const parts = node.type === "concatenation" || quoted ? tokens(node) : [node];
  let text = "";
  for (const part of parts) {
    if (quoted && !part.isNamed) continue;
    const value = part.isNamed ? expandWord(part, state) : part.text;
    if (value === undefined) {
      if (part.type === "string") return { text: text + knownPrefix(part, state).text, mayDivide: false };
      return { text, mayDivide: !quoted };
    }
    text += value;
  }
  return { text, mayDivide: false };
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
  if (name === "@" || name === "*") {
    const all = state.positional;
    return all.every((arg) => arg !== undefined) ? all.join(" ") : undefined;
  }
  return /^([A-Za-z_][A-Za-z0-9_]*|[0-9]+|[-#])$/.test(name) ? state.value(name) : undefined;
}

/** `${NAME}`, `${NAME:-word}`, `${NAME-word}`, `${NAME:+word}`, `${NAME:=word}` (which assigns); nothing else. */
function expansion(node: ShellNode, state: ShellState, assign?: OnAssign): string | undefined {
  const [nameNode, operator, ...rest] = tokens(node).slice(1, -1);
  if (nameNode?.type !== "variable_name") return undefined;
  const name = nameNode.text;
  const value = parameter(name, state);
  if (!operator) return value;
  if (!/^:?[-=+]$/.test(operator.type)) return undefined;
  if (value === undefined) return undefined;
  const word = () => joined(rest, state, assign);
  // With the colon an empty value counts as unset; without it only an unset one does.
  const set = /^[A-Za-z_]/.test(name) ? state.isSet(name) : value === "" ? "maybe" : "yes";
  if (!operator.type.startsWith(":") && set === "maybe") return undefined;
  const empty = operator.type.startsWith(":") ? value === "" : set === "no";
  if (operator.type.endsWith("+")) return empty ? "" : word();
  if (!empty) return value;
  const fallback = word();
  if (operator.type.endsWith("=") && fallback !== undefined) {
    if (!assign || !/^[A-Za-z_]/.test(name)) return undefined;
    assign(name, fallback);
  }
  return fallback;
}

/**
 * Brace expansion of one word's source text, as bash and zsh do it before any other expansion:
 * `AWS_{PROFILE,DEFAULT_PROFILE}=dev` is two words, `{1..3}` three; quoted and `${…}` braces stay.
 */
export function braceExpand(text: string): string[] {
  let quote: string | undefined;
  for (let at = 0; at < text.length; at++) {
    const char = text[at];
    if (quote) {
      if (char === "\\" && quote === '"') at++;
      else if (char === quote) quote = undefined;
    } else if (char === "\\") at++;
    else if (char === "'" || char === '"') quote = char;
    else if (char === "{" && text[at - 1] !== "$") {
      const group = braceGroup(text, at);
      if (group) {
        const [before, after] = [text.slice(0, at), text.slice(group.end + 1)];
        return group.alternatives.flatMap((alternative) => braceExpand(before + alternative + after));
      }
    }
  }
  return [text];
}

function braceGroup(text: string, open: number): { end: number; alternatives: string[] } | undefined {
  const pieces: string[] = [];
  let [depth, start, quote] = [0, open + 1, undefined as string | undefined];
  for (let at = open + 1; at < text.length; at++) {
    const char = text[at];
    if (quote) {
      if (char === "\\" && quote === '"') at++;
      else if (char === quote) quote = undefined;
    } else if (char === "\\") at++;
    else if (char === "'" || char === '"') quote = char;
    else if (char === "{") depth++;
    else if (char === "}" && depth > 0) depth--;
    else if (char === "," && depth === 0) {
      pieces.push(text.slice(start, at));
      start = at + 1;
    } else if (char === "}") {
      const last = text.slice(start, at);
      if (pieces.length > 0) return { end: at, alternatives: [...pieces, last] };
      const sequence = braceSequence(last);
      return sequence && { end: at, alternatives: sequence };
    }
  }
  return undefined;
}

function braceSequence(body: string): string[] | undefined {
  const match = /^(-?\d+|[A-Za-z])\.\.(-?\d+|[A-Za-z])$/.exec(body);
  if (!match) return undefined;
  const [, from = "", to = ""] = match;
  const numeric = /\d/.test(from) && /\d/.test(to);
  const [a, b] = numeric ? [Number(from), Number(to)] : [from.charCodeAt(0), to.charCodeAt(0)];
  if (!numeric && (/\d/.test(from) || /\d/.test(to))) return undefined;
  const step = a <= b ? 1 : -1;
  const out: string[] = [];
  for (let value = a; step > 0 ? value <= b : value >= b; value += step)
    out.push(numeric ? String(value) : String.fromCharCode(value));
  return out.length <= 1024 ? out : undefined;
}

/** Single quotes unless the word is plainly safe for sh. */
export function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
