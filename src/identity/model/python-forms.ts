/**
 * The few Python library behaviours botocore's chain leans on, as CPython 3.11 has them: `shlex.split`,
 * `int()` of a string, `repr()` of a string, an OSError's text, `urllib.parse.urlsplit(...).hostname`, and the
 * start of `json.loads`. Each says when it cannot be sure, rather than guess.
 */
import { SPACE } from "./configparser";

/** `shlex.split(text)` (POSIX mode, no comments); the ValueError's text where Python raises one. */
export function shlexSplit(text: string): { words: string[] } | { error: string } {
  const words: string[] = [];
  let word: string | undefined;
  let quote: "'" | '"' | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] ?? "";
    if (quote === "'") {
      if (c === "'") quote = undefined;
      else word = (word ?? "") + c;
    } else if (quote === '"') {
      const next = text[i + 1];
      if (c === '"') quote = undefined;
      else if (c === "\\" && next === undefined) return { error: "No escaped character" };
      else if (c === "\\" && (next === '"' || next === "\\")) {
        // Inside double quotes a backslash escapes only a double quote or a backslash.
        word = (word ?? "") + next;
        i++;
      } else word = (word ?? "") + c;
    } else if (" \t\r\n".includes(c)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else if (c === "'" || c === '"') {
      quote = c;
      word ??= "";
    } else if (c === "\\") {
      if (i + 1 >= text.length) return { error: "No escaped character" };
      word = (word ?? "") + text[++i];
    } else word = (word ?? "") + c;
  }
  if (quote) return { error: "No closing quotation" };
  if (word !== undefined) words.push(word);
  return { words };
}

/**
 * `int(text)`: an integer, `invalid` where Python raises ValueError, `unsure` for forms this does not follow
 * (digits of other scripts).
 */
export function pythonInt(text: string): number | "invalid" | "unsure" {
  const trimmed = text.replace(STRIP, "");
  if (/^[+-]?\d+(?:_\d+)*$/u.test(trimmed)) return Number(trimmed.replaceAll("_", ""));
  return [...text].every((c) => c.charCodeAt(0) < 0x80) ? "invalid" : "unsure";
}

const STRIP = new RegExp(`^${SPACE}+|${SPACE}+$`, "gu");

/** `repr(text)` for a str: single quotes unless the text has one and no double quote. */
export function pythonRepr(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  const escaped = [...text]
    .map((c) => {
      if (c === "\\") return "\\\\";
      if (c === quote) return `\\${c}`;
      if (c === "\n") return "\\n";
      if (c === "\r") return "\\r";
      if (c === "\t") return "\\t";
      const code = c.codePointAt(0) ?? 0;
      return code < 0x20 || code === 0x7f ? `\\x${code.toString(16).padStart(2, "0")}` : c;
    })
    .join("");
  return `${quote}${escaped}${quote}`;
}

const OS_ERRORS: Record<string, [number, string]> = {
  ENOENT: [2, "No such file or directory"],
  EACCES: [13, "Permission denied"],
  ENOTDIR: [20, "Not a directory"],
  EISDIR: [21, "Is a directory"],
  ELOOP: [40, "Too many levels of symbolic links"],
};

/** `str(OSError)` for a file name, as the AWS CLI prints it; undefined for an error code not listed here. */
export function osErrorText(code: string | undefined, path: string): string | undefined {
  const known = code === undefined ? undefined : OS_ERRORS[code];
  return known && `[Errno ${known[0]}] ${known[1]}: ${pythonRepr(path)}`;
}

/**
 * `urlsplit(url).hostname`: null where Python has none, undefined where it may raise or this does not follow
 * it (IPv6 brackets, other scripts).
 */
export function urlHostname(url: string): string | null | undefined {
  if (/[[\]]/u.test(url) || [...url].some((c) => c.charCodeAt(0) >= 0x80)) return undefined;
  let rest = url;
  const colon = url.indexOf(":");
  if (colon > 0 && /^[A-Za-z][A-Za-z0-9+.-]*$/u.test(url.slice(0, colon))) rest = url.slice(colon + 1);
  if (!rest.startsWith("//")) return null;
  const netloc = rest.slice(2).split(/[/?#]/u)[0] ?? "";
  const host = (netloc.split("@").at(-1) ?? "").split(":")[0] ?? "";
  return host === "" ? null : host.toLowerCase();
}

/** What json.loads takes as the start of a value: a bracket, a quote, a number, a literal. */
const VALUE_START = /^(?:[[{"]|-?\d|-?Infinity|NaN|null|true|false)/u;

/**
 * Where `json.loads` stops on text that JSON.parse rejected, for the one error this can place exactly (a
 * document that does not start with a JSON value); undefined where the error is another.
 */
export function jsonValueError(text: string): string | undefined {
  const start = text.search(/[^ \t\n\r]/u);
  const at = start < 0 ? text.length : start;
  if (VALUE_START.test(text.slice(at))) return undefined;
  const before = text.slice(0, at);
  const line = before.split("\n").length;
  const column = at - before.lastIndexOf("\n");
  return `Expecting value: line ${line} column ${column} (char ${at})`;
}

/** The name of a JSON value's Python type (`'list' object has no attribute 'get'`). */
export function pythonTypeName(value: unknown, raw: string): string {
  if (Array.isArray(value)) return "list";
  if (value === null) return "NoneType";
  if (typeof value === "string") return "str";
  if (typeof value === "boolean") return "bool";
  if (typeof value === "number") return /^\s*-?\d+\s*$/u.test(raw) ? "int" : "float";
  return "dict";
}
