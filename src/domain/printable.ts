/** Control, format (bidi) and line-separator characters: they could rewrite a terminal line or a log. */
const UNPRINTABLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu;

/** Text from outside (a --user value, HOME) safe to put in a one-line message: unprintables as `\uXXXX`. */
export function printable(text: string): string {
  return text.replace(
    UNPRINTABLE,
    (char) => `\\u${(char.codePointAt(0) ?? 0).toString(16).padStart(4, "0")}`,
  );
}

/** The same, in double quotes, with `"` and `\` escaped so the quotes cannot be forged. */
export function quoted(text: string): string {
  return `"${printable(text.replace(/["\\]/g, (char) => `\\${char}`))}"`;
}
