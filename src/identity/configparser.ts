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
const SPACE =
  "[\\t\\n\\v\\f\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]";
const SECTION = /^\[(?<header>.+)\]/su;
const OPTION = new RegExp(`^(?<option>.*?)${SPACE}*(?<vi>[=:])${SPACE}*(?<value>.*)$`, "su");
const LEADING = new RegExp(`^${SPACE}+`, "u");
const TRAILING = new RegExp(`${SPACE}+$`, "u");
const COMMENT = new RegExp(`^${SPACE}*[#;]`, "u");
const NOT_SPACE = new RegExp(`(?!${SPACE}).`, "u");

const strip = (text: string) => text.replace(LEADING, "").replace(TRAILING, "");
const DEFAULT_SECTION = "DEFAULT";

/** Parses text as configparser would; [DEFAULT]'s options are inherited by every other section. */
export function parseIni(text: string): IniParse {
  const sections = new Map<string, Map<string, string[]>>();
  const defaults = new Map<string, string[]>();
  const starts = new Map<Map<string, string[]>, Map<string, number>>([[defaults, new Map()]]);
  const seen = new Set<string>();
  let current: Map<string, string[]> | undefined;
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
      if (!comment && current && option !== undefined) current.get(option)?.push("");
      continue;
    }
    const indent = line.search(NOT_SPACE);
    if (current && option !== undefined && indent > indentLevel) {
      current.get(option)?.push(value);
      continue;
    }
    indentLevel = indent;
    const header = SECTION.exec(value)?.groups?.header;
    if (header !== undefined) {
      if (header === DEFAULT_SECTION) current = defaults;
      else if (seen.has(`[${header}`))
        return { ok: false, line: lineNo, reason: `duplicate section [${header}]` };
      else {
        current = new Map();
        sections.set(header, current);
        starts.set(current, new Map());
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
    current.set(option, [strip(parsed.value ?? "")]);
    starts.get(current)?.set(option, lineNo);
  }
  if (firstError) return { ok: false, ...firstError };

  const joined = (options: Map<string, string[]>) =>
    Object.fromEntries([...options].map(([key, parts]) => [key, parts.join("\n").replace(TRAILING, "")]));
  const inherited = joined(defaults);
  const lineOf = (options: Map<string, string[]>) => Object.fromEntries(starts.get(options) ?? []);
  const inheritedLines = lineOf(defaults);
  return {
    ok: true,
    sections: Object.fromEntries(
      [...sections].map(([name, options]) => [name, { ...inherited, ...joined(options) }]),
    ),
    lines: Object.fromEntries(
      [...sections].map(([name, options]) => [name, { ...inheritedLines, ...lineOf(options) }]),
    ),
  };
}
