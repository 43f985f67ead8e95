import { describe, expect, it } from "vitest";
import { readProcessOutput, splitCommandLine } from "../../src/identity/credential-process";

// What Python's shlex.split (botocore's compat_shell_split) gives for each line.
describe("splitCommandLine", () => {
  it.each([
    ["/usr/bin/vault-creds --profile dev", ["/usr/bin/vault-creds", "--profile", "dev"]],
    [`sh -c 'echo "denied" >&2; exit 3' arg`, ["sh", "-c", 'echo "denied" >&2; exit 3', "arg"]],
    [String.raw`a "b \"c\\ d\e" f`, ["a", String.raw`b "c\ d\e`, "f"]],
    [String.raw`path\ with\ spaces x`, ["path with spaces", "x"]],
    ["x '' y", ["x", "", "y"]],
    ["a#b   c\t d", ["a#b", "c", "d"]],
    [`one"two"'three'`, ["onetwothree"]],
  ])("splits %s as shlex does", (line, words) => {
    expect(splitCommandLine(line)).toEqual(words);
  });

  it.each([
    ["sh -c 'unclosed", "No closing quotation"],
    ['a "b', "No closing quotation"],
    ["trailing\\", "No escaped character"],
  ])("refuses %s with shlex's message", (line, message) => {
    expect(() => splitCommandLine(line)).toThrow(message);
  });
});

describe("readProcessOutput", () => {
  it("reads a Version 1 document", () => {
    const keys = readProcessOutput(
      JSON.stringify({
        Version: 1,
        AccessKeyId: "ASIAPROCESSPROVIDER1",
        SecretAccessKey: "s".repeat(40),
        SessionToken: "t".repeat(60),
        Expiration: "2026-11-23T13:00:00Z",
      }),
    );
    expect(keys).toEqual({
      accessKeyId: "ASIAPROCESSPROVIDER1",
      secretAccessKey: "s".repeat(40),
      sessionToken: "t".repeat(60),
      expiration: new Date("2026-11-23T13:00:00Z"),
    });
  });

  it.each([
    ["not JSON", "the process printed no JSON document on stdout"],
    [
      JSON.stringify({ AccessKeyId: "A", SecretAccessKey: "S" }),
      "Unsupported version '<Version key not provided>'",
    ],
    [
      JSON.stringify({ Version: 2 }),
      "Unsupported version '2' for credential process provider, supported versions: 1",
    ],
    [JSON.stringify({ Version: 1, SecretAccessKey: "S" }), "Missing required key in response: 'AccessKeyId'"],
    [JSON.stringify({ Version: 1, AccessKeyId: "A" }), "Missing required key in response: 'SecretAccessKey'"],
  ])("refuses %s with botocore's message", (stdout, message) => {
    expect(() => readProcessOutput(stdout)).toThrow(message);
  });
});
