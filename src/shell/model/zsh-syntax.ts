/**
 * A zsh file as tree-sitter's bash grammar can read it, without moving a byte (so that lines and columns, and
 * the removal commands built on them, stay the file's own). What only zsh has becomes something bash reads the
 * same way, or a value the reading does not know:
 * - `${(flags)…}`, `${+name}`, `${${…}…}`, `${=…}`: `${___}`, an unknown value; `$+name`, `$=name`: `$_name`;
 * - a glob qualifier, `*.zsh(N)`: blanks (the glob stays);
 * - an anonymous function `() { … }`, which runs at once: a brace group;
 * - `}` that closes a function or group with no `;` before it (`f() { export X=1 }`): `;}`.
 * Quoted text and heredoc bodies are left as they are.
 */
export function zshForBashGrammar(text: string): string {
  const out = text.split("");
  let quote: "'" | '"' | undefined;
  const heredocs: Array<{ word: string; tabs: boolean }> = [];
  for (let at = 0; at < text.length; at++) {
    const char = text[at] ?? "";
    if (quote === "'") {
      if (char === "'") quote = undefined;
      continue;
    }
    if (char === "\\") {
      at++;
      continue;
    }
    if (quote === '"') {
      if (char === '"') quote = undefined;
      else if (char === "$") at = maskExpansion(text, at, out);
      continue;
    }
    if (char === "'" || char === '"') quote = char;
    else if (char === "#" && /[\s;&|(]/.test(text[at - 1] ?? "\n")) at = lineEnd(text, at) - 1;
    else if (char === "$") at = maskExpansion(text, at, out);
    else if (char === "<" && text.startsWith("<<", at) && text[at + 2] !== "<") {
      const match = /^<<(-?)\s*(['"]?)([A-Za-z_][\w]*)\2/.exec(text.slice(at));
      if (match) heredocs.push({ word: match[3] ?? "", tabs: match[1] === "-" });
    } else if (char === "\n" && heredocs.length > 0) at = skipHeredocs(text, at, heredocs.splice(0));
    else if (char === "(") maskParentheses(text, at, out);
    else if (char === "}") closeBrace(text, at, out);
  }
  return out.join("");
}

/** `${(f)…}` and its kind, `$+name`, `$=name`; returns where the scan goes on. */
function maskExpansion(text: string, at: number, out: string[]): number {
  const next = text[at + 1];
  if (next && /[+=~^]/.test(next) && /[A-Za-z_]/.test(text[at + 2] ?? "")) {
    out[at + 1] = "_";
    return at + 1;
  }
  if (next !== "{" || !/[+($=~^"]/.test(text[at + 2] ?? "")) return at;
  let depth = 0;
  for (let end = at + 1; end < text.length; end++) {
    const char = text[end];
    if (char === "\n") return at;
    if (char === "{") depth++;
    else if (char === "}" && --depth === 0) {
      for (let fill = at + 2; fill < end; fill++) out[fill] = "_";
      return end;
    }
  }
  return at;
}

/** A glob qualifier after a glob (`*(N)`, `**(.)`) goes; `() {` becomes a brace group. */
function maskParentheses(text: string, at: number, out: string[]): void {
  const before = text.slice(lineStart(text, at), at);
  const qualifier = /^\(([^()\s'"]*)\)(?=[\s;|&)]|$)/.exec(text.slice(at));
  if (qualifier && /[*?\]][^\s]*$/.test(before)) {
    for (let fill = at; fill < at + qualifier[0].length; fill++) out[fill] = " ";
  } else if (
    text.startsWith("()", at) &&
    /(^|[;&|{]\s*)\s*$/.test(before) &&
    /^\(\)\s*\{/.test(text.slice(at))
  ) {
    out[at] = " ";
    out[at + 1] = " ";
  }
}

/** A `}` on its own after a command: zsh closes the group there; bash needs `;` before it. */
function closeBrace(text: string, at: number, out: string[]): void {
  const before = text[at - 1];
  const after = text[at + 1] ?? "\n";
  if ((before !== " " && before !== "\t") || !/[\s;)&|]/.test(after)) return;
  let back = at - 1;
  while (back >= 0 && (text[back] === " " || text[back] === "\t")) back--;
  if (back >= 0 && !/[;&|{(\n]/.test(text[back] ?? "")) out[at - 1] = ";";
}

function skipHeredocs(
  text: string,
  newline: number,
  pending: Array<{ word: string; tabs: boolean }>,
): number {
  let at = newline;
  for (const { word, tabs } of pending) {
    while (at < text.length) {
      const end = lineEnd(text, at + 1);
      const line = text.slice(at + 1, end);
      at = end;
      if ((tabs ? line.replace(/^\t+/, "") : line) === word) break;
    }
  }
  return at;
}

function lineEnd(text: string, at: number): number {
  const end = text.indexOf("\n", at);
  return end < 0 ? text.length : end;
}

function lineStart(text: string, at: number): number {
  return text.lastIndexOf("\n", at - 1) + 1;
}
