/**
 * The ini dialect botocore reads: Python 3's `configparser.RawConfigParser` with its defaults (botocore's
 * `configloader.raw_config_parse`). The SDK for JavaScript's loader reads the same files differently (inline
 * comments, indented lines as sub-properties, no errors), so it cannot tell what boto3 sees; this follows
 * CPython 3.11's `RawConfigParser._read` line by line and is tested against Python itself.
 */

export type IniSections = Record<string, Record<string, string>>;

/** The line (1-based) each option of each section starts on; [DEFAULT]'s inherited options give its line. */
export type IniLines = Record<string, Record<string, number>>;

export type IniParse =
  | { ok: true; sections: IniSections; lines: IniLines }
  /** Where Python raises (and botocore reports `Unable to parse config file: PATH`). */
  | { ok: false; line: number; reason: string };

/** Python's whitespace (str.isspace, `\s`): not JavaScript's, which counts a byte-order mark and not \x1c–\x1f. */
export const SPACE =
  "[\\t\\n\\v\\f\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]";
const SECTION = /^\[(?<header>.+)\]/su;
const OPTION = new RegExp(`^(?<option>.*?)${SPACE}*(?<vi>[=:])${SPACE}*(?<value>.*)$`, "su");
const LEADING = new RegExp(`^${SPACE}+`, "u");
const TRAILING = new RegExp(`${SPACE}+$`, "u");
const COMMENT = new RegExp(`^${SPACE}*[#;]`, "u");
const NOT_SPACE = new RegExp(`(?!${SPACE}).`, "u");

const strip = (text: string) => text.replace(LEADING, "").replace(TRAILING, "");
const DEFAULT_SECTION = "DEFAULT";

/** One line of an option's value, and where it is. */
interface Part {
  text: string;
  line: number;
}

/** Parses text as configparser would; [DEFAULT]'s options are inherited by every other section. */
export function parseIni(text: string): IniParse {
  const read = readOptions(text);
  if (!read.ok) return read;
  const sections = Object.fromEntries([...read.sections].map(([name, options]) => [name, joined(options)]));
  const lines = Object.fromEntries(
    [...read.sections].map(([name, options]) => [
      name,
      Object.fromEntries([...options].map(([key, parts]) => [key, parts[0]?.line ?? 0])),
    ]),
  );
  return { ok: true, sections, lines };
}

/**
 * Parses text as botocore's `raw_config_parse` does: configparser, then a value that starts on the line after its
 * key (`s3 =` and indented lines) must be `key = value` lines, or the file is unparseable.
 */
export function parseBotocoreIni(text: string): IniParse {
  const read = readOptions(text);
  if (!read.ok) return read;
  for (const options of read.sections.values()) {
    for (const [option, parts] of options) {
      if (!joined(new Map([[option, parts]]))[option]?.startsWith("\n")) continue;
      const bad = parts.find((part) => part.text !== "" && !part.text.includes("="));
      if (bad) return { ok: false, line: bad.line, reason: `an indented line of ${option} without "="` };
    }
  }
  return parseIni(text);
}

const joined = (options: Map<string, Part[]>) =>
  Object.fromEntries(
    [...options].map(([key, parts]) => [
      key,
      parts
        .map((part) => part.text)
        .join("\n")
        .replace(TRAILING, ""),
    ]),
  );

/** Each section's options (with [DEFAULT]'s inherited), each value as its lines; or Python's first error. */
function readOptions(
  text: string,
): { ok: true; sections: Map<string, Map<string, Part[]>> } | { ok: false; line: number; reason: string } {
  const sections = new Map<string, Map<string, Part[]>>();
  const defaults = new Map<string, Part[]>();
  const seen = new Set<string>();
  let current: Map<string, Part[]> | undefined;
  let sectionName = "";
  let option: string | undefined;
  let indentLevel = 0;
  let firstError: { line: number; reason: string } | undefined;

  const lines = text.split(/\r\n|\r|\n/u);
  if (lines.at(-1) === "") lines.pop();
  for (const [index, line] of lines.entries()) {
    const lineNo = index + 1;
    const comment = COMMENT.test(line);
    const value = comment ? "" : strip(line);
    if (!value) {
      // A blank line inside a value stays part of it (empty_lines_in_values); a comment line does not.
      if (!comment && current && option !== undefined) current.get(option)?.push({ text: "", line: lineNo });
      continue;
    }
    const indent = line.search(NOT_SPACE);
    if (current && option !== undefined && indent > indentLevel) {
      current.get(option)?.push({ text: value, line: lineNo });
      continue;
    }
    indentLevel = indent;
    const header = SECTION.exec(value)?.groups?.header;
    if (header !== undefined) {
      if (header === DEFAULT_SECTION) current = defaults;
      else if (seen.has(`[${header}`))
        return { ok: false, line: lineNo, reason: `duplicate section [${header}]` };
      else {
        current = sections.get(header) ?? new Map();
        sections.set(header, current);
        seen.add(`[${header}`);
      }
      sectionName = header;
      option = undefined;
      continue;
    }
    if (!current) return { ok: false, line: lineNo, reason: "a line before the first [section]" };
    const parsed = OPTION.exec(value)?.groups;
    if (!parsed?.option) {
      // Python keeps reading and raises at the end, naming the first bad line.
      firstError ??= { line: lineNo, reason: "a line that is neither a [section] nor a key = value" };
      option = undefined;
      continue;
    }
    option = parsed.option.replace(TRAILING, "").toLowerCase();
    if (seen.has(`${sectionName}\0${option}`)) {
      return { ok: false, line: lineNo, reason: `duplicate key ${option} in [${sectionName}]` };
    }
    seen.add(`${sectionName}\0${option}`);
    current.set(option, [{ text: strip(parsed.value ?? ""), line: lineNo }]);
  }
  if (firstError) return { ok: false, ...firstError };
  return {
    ok: true,
    sections: new Map([...sections].map(([name, options]) => [name, new Map([...defaults, ...options])])),
  };
}
