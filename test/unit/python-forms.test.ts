import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { parseBotocoreIni } from "../../src/identity/model/configparser";
import {
  jsonValueError,
  pythonInt,
  pythonRepr,
  shlexSplit,
  urlHostname,
} from "../../src/identity/model/python-forms";

// Python is the truth for each form: one python3 run answers a batch, hpiam's reading must match it.
function python<T>(program: string, inputs: string[]): T[] {
  const out = execFileSync("python3", ["-c", program], { input: JSON.stringify(inputs) }).toString();
  return JSON.parse(out) as T[];
}

const each = (body: string) => `
import json, sys
def one(text):
${body}
print(json.dumps([one(t) for t in json.load(sys.stdin)]))
`;

describe("Python's forms, as botocore's chain meets them", () => {
  it("shlex.split: words, quotes, escapes and its errors", () => {
    const texts = [
      'profile "dev"',
      "profile 'ops team'",
      "profile\u00a0dev",
      "profile  dev",
      "profile\tdev",
      'profile "dev',
      "profile d\\ev",
      "profile dev#x",
      'a "b\\"c" \'d\\e\'',
      'a "b\\x"',
      "x\\",
      'a "b\\',
      "''",
      'ab"cd"ef',
      "",
    ];
    const truth = python<{ words?: string[]; error?: string }>(
      each(`    import shlex
    try:
        return {"words": shlex.split(text)}
    except ValueError as e:
        return {"error": str(e)}`),
      texts,
    );
    texts.forEach((text, index) => expect(shlexSplit(text), JSON.stringify(text)).toEqual(truth[index]));
  });

  it("int(): what it takes, and what it refuses", () => {
    const texts = ["0", " 2 ", "+7", "-3", "1_800", "1__0", "1.5", "abc", "", "100abc", "0x10", "007"];
    const truth = python<number | null>(
      each(`    try:
        return int(text)
    except ValueError:
        return None`),
      texts,
    );
    texts.forEach((text, index) =>
      expect(pythonInt(text), JSON.stringify(text)).toBe(truth[index] ?? "invalid"),
    );
    expect(pythonInt("١٠٠")).toBe("unsure");
  });

  it("repr() of a string", () => {
    const texts = ["abc", "it's", `say "hi"`, `both ' and "`, "a\\b", "tab\there", "line\nend", "\u0001"];
    const truth = python<string>(each("    return repr(text)"), texts);
    texts.forEach((text, index) => expect(pythonRepr(text)).toBe(truth[index]));
  });

  it("urlsplit().hostname, where Python splits it the same way", () => {
    const urls = [
      "http://169.254.169.254",
      "localhost:1338",
      "127.0.0.1:80",
      "HTTP://Example.COM:8/x",
      "",
      "//h/p",
      "http://u@h:1",
    ];
    const truth = python<string | null>(
      each("    from urllib.parse import urlsplit\n    return urlsplit(text).hostname"),
      urls,
    );
    urls.forEach((url, index) => expect(urlHostname(url), url).toBe(truth[index]));
    expect(urlHostname("http://[::1]/")).toBeUndefined();
  });

  it("json.loads: where a document does not start with a value", () => {
    const texts = ["", "   ", "not json", "\n\n  x", "<html>", "nul", "-x", "tru"];
    const truth = python<string>(
      each(`    try:
        json.loads(text)
    except ValueError as e:
        return str(e)`),
      texts,
    );
    texts.forEach((text, index) => expect(jsonValueError(text)).toBe(truth[index]));
    expect(jsonValueError("null x")).toBeUndefined();
  });

  it("botocore's raw_config_parse: a nested block must be `key = value` lines", () => {
    const texts = [
      "[default]\nregion =\n    us-west-2\n",
      "[default]\ns3 =\n  addressing_style = path\n  x = y\n",
      "[default]\nnote = a\n  b\n",
      "[default]\nk =\n\n  a = b\n  c\n",
      "[DEFAULT]\nk =\n  bad\n[default]\nx = 1\n",
      "[DEFAULT]\nk =\n  bad\n",
    ];
    const truth = python<boolean>(
      `
import json, sys, tempfile, os
from botocore.configloader import raw_config_parse
from botocore.exceptions import ConfigParseError
out = []
for text in json.load(sys.stdin):
    with tempfile.NamedTemporaryFile("w", delete=False) as f:
        f.write(text)
    try:
        raw_config_parse(f.name)
        out.append(True)
    except ConfigParseError:
        out.append(False)
    os.unlink(f.name)
print(json.dumps(out))
`,
      texts,
    );
    texts.forEach((text, index) =>
      expect(parseBotocoreIni(text).ok, JSON.stringify(text)).toBe(truth[index]),
    );
  });
});
