/** Control, format (bidi) and line-separator characters: they could rewrite a terminal line or a log. */
const UNPRINTABLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu;

/** Printable ASCII: what almost every string is, answered without compiling the Unicode classes above. */
const PLAIN = /^[\x20-\x7e]*$/;

/** Text from outside (a --user value, HOME) safe to put in a one-line message: unprintables as `\uXXXX`. */
export function printable(text: string): string {
  if (PLAIN.test(text)) return text;
  return text.replace(
    UNPRINTABLE,
    (char) => `\\u${(char.codePointAt(0) ?? 0).toString(16).padStart(4, "0")}`,
  );
}

/** The same, in double quotes, with `"` and `\` escaped so the quotes cannot be forged. */
export function quoted(text: string): string {
  return `"${printable(text.replace(/["\\]/g, (char) => `\\${char}`))}"`;
}

/**
 * Every string of a result made printable, for the renderers: paths, HOME, names and messages from outside reach a
 * terminal escaped, whichever field carries them. The JSON document needs none of this (JSON escapes them).
 */
export function printableTree<T>(value: T): T {
  if (typeof value === "string") return printable(value) as T;
  if (Array.isArray(value)) return value.map((item: unknown) => printableTree(item)) as T;
  if (value !== null && typeof value === "object" && !(value instanceof Date)) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, printableTree(item)])) as T;
  }
  return value;
}
