import { execFileSync } from "node:child_process";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseIni } from "../../src/identity/model/configparser";

// Python's own configparser is the truth (botocore reads every ini file with it): one python3 run judges a
// whole batch of generated files, and hpiam's reading must match it: the same sections, keys and values, or
// an error on both sides.
const PYTHON = `
import configparser, json, sys
out = []
for text in json.load(sys.stdin):
    cp = configparser.RawConfigParser()
    try:
        cp.read_string(text)
        out.append({"ok": True, "sections": {s: {o: cp.get(s, o) for o in cp.options(s)} for s in cp.sections()}})
    except configparser.Error:
        out.append({"ok": False})
print(json.dumps(out))
`;

type PythonReading = Array<{ ok: boolean; sections?: unknown }>;

function python(texts: string[]): PythonReading {
  const out = execFileSync("python3", ["-c", PYTHON], { input: JSON.stringify(texts) }).toString();
  return JSON.parse(out) as PythonReading;
}

const line = fc.oneof(
  fc.constantFrom("[default]", "[profile dev]", "[DEFAULT]", "[dev]", "[a] trailing", "[]", "[x]]"),
  fc.constantFrom("aws_access_key_id = AKIA1", "AWS_Secret_Access_Key=s", "region : us-west-2", "k = v # c"),
  fc.constantFrom("# comment", "; comment", "   # indented comment", "", "   ", "\t"),
  fc.constantFrom("  continued", "\tmore = x", "novalue", "= nokey", "key =", ":x", "a=b=c"),
  fc.constantFrom("\uFEFF[default]", "x\u00a0=\u00a0y", "\u001fk = v", "k\u0085= v"),
);
const file = fc.array(line, { maxLength: 8 }).map((lines) => lines.join("\n"));

describe("parseIni reads as Python's configparser does", () => {
  it("for generated files", () => {
    const texts = fc.sample(file, { numRuns: 400, seed: 20261201 });
    const truth = python(texts);
    texts.forEach((text, index) => {
      const ours = parseIni(text);
      const theirs = truth[index];
      expect(ours.ok, JSON.stringify(text)).toBe(theirs?.ok);
      if (ours.ok) expect(ours.sections, JSON.stringify(text)).toEqual(theirs?.sections);
    });
  });

  it("names the line of the first error", () => {
    expect(parseIni("[default]\nk = v\noops\n")).toMatchObject({ ok: false, line: 3 });
    expect(parseIni("k = v\n")).toMatchObject({
      ok: false,
      line: 1,
      reason: "a line before the first [section]",
    });
  });
});
