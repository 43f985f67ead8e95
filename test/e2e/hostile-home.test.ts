import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { diagnoseReport, expectOneLineChecks } from "../support/diagnose-report";
import {
  expectCalm,
  expectOneLineError,
  leakedCredentials,
  useSimulatedNode,
} from "../support/simulated-node";
import { treeSnapshot } from "../support/tree-snapshot";

// Hostile homes and names: a relative HOME, and --user values that are paths, options, uids, control
// characters or names of no one. Each ends in its documented exit code and one line, prints nothing
// unprintable, and changes nothing.

/** Characters other than a newline that could rewrite a terminal line: C0/C1 controls, line separators. */
function unprintables(text: string): string[] {
  return [...text].filter((char) => char !== "\n" && /[\p{Cc}\p{Zl}\p{Zp}]/u.test(char));
}

describe("a relative HOME", () => {
  const node = useSimulatedNode();
  let cwd: string;

  beforeAll(async () => {
    cwd = join(node.sandbox.root, "cwd");
    await mkdir(join(cwd, "rel", "home", ".aws"), { recursive: true });
    await writeFile(join(cwd, "rel", "home", ".aws", "credentials"), leakedCredentials(node), {
      mode: 0o600,
    });
  });

  const fromCwd = (args: string[]) => node.hpiam(args, { HOME: "rel/home" }, { cwd });

  it("whoami reports the keys the SDK reads relative to the working folder", async () => {
    const before = await treeSnapshot(cwd);
    const result = await fromCwd(["whoami", "--json"]);
    expectCalm(node, result);
    expect(result.exitCode).toBe(1);
    const doc = JSON.parse(result.stdout);
    expect(doc.verdict.status).toBe("overridden");
    expect(doc.credentialSource).toMatchObject({ provider: "shared-credentials-file", profile: "default" });
    expect(await treeSnapshot(cwd)).toEqual(before);
  });

  it("diagnose fails on those keys, as for any home", async () => {
    const before = await treeSnapshot(cwd);
    const result = await fromCwd(["diagnose", "--json"]);
    expectCalm(node, result);
    expect(result.exitCode).toBe(1);
    const { doc, check } = diagnoseReport(result);
    expectOneLineChecks(doc);
    expect(check("aws-files").status).toBe("fail");
    expect(await treeSnapshot(cwd)).toEqual(before);
  });

  it.each([[["recover", "--yes", "--no-reboot"]], [["recover", "--dry-run"]], [["recover", "--undo"]]])(
    "%j refuses (exit 2) and writes nothing, not even a lock",
    async (args) => {
      const before = await treeSnapshot(cwd);
      const home = await treeSnapshot(node.sandbox.home);
      const result = await fromCwd(args);
      expectOneLineError(
        node,
        result,
        2,
        /^hpiam: HOME is not an absolute path \(rel\/home\): run with HOME set to your home, or --user NAME$/,
      );
      expect(await treeSnapshot(cwd)).toEqual(before);
      expect(await treeSnapshot(node.sandbox.home)).toEqual(home);
    },
  );

  it("refuses with --json too, as an error document", async () => {
    const result = await fromCwd(["recover", "--yes", "--no-reboot", "--json"]);
    expectCalm(node, result);
    expect(result.exitCode).toBe(2);
    expect(JSON.parse(result.stdout).error).toMatchObject({
      code: "relative-home",
      message: expect.stringContaining("HOME is not an absolute path (rel/home)"),
    });
  });
});

describe("recover --user with hostile names", () => {
  const node = useSimulatedNode();

  it.each([
    ["empty", "", '""', /it is empty/],
    ["a slash", "../../etc", '"../../etc"', /it contains \//],
    [".", ".", '"."', /it is a directory name/],
    ["..", "..", '".."', /it is a directory name/],
    ["a leading -", "-s", '"-s"', /it starts with -/],
    ["all digits (a uid to getent)", "0", '"0"', /it is all digits/],
    ["a terminal escape", "a\u001b[31mb", '"a\\u001b[31mb"', /it contains control characters/],
    ["a tab", "a\tb", '"a\\u0009b"', /it contains control characters/],
    ["a line separator", "a\u2028b", '"a\\u2028b"', /it contains control characters/],
  ])("refuses a name with %s before any lookup (exit 2)", async (_what, name, shown, why) => {
    const home = await treeSnapshot(node.sandbox.home);
    const result = await node.hpiam(["recover", "--dry-run", `--user=${name}`]);
    expectOneLineError(node, result, 2, /^hpiam: --user: ".*" is not a user name \(.+\)$/);
    expect(result.stderr).toMatch(why);
    expect(result.stderr).toContain(`--user: ${shown} is not`);
    // Nothing unprintable reaches the terminal, whatever the name held.
    expect(unprintables(result.stderr)).toEqual([]);
    expect(await treeSnapshot(node.sandbox.home)).toEqual(home);
  });

  it.each([
    ["a space", "no such user"],
    ["a unicode letter", "jürgen-hpiam-test"],
    ["CJK letters", "用户测试"],
    ["a directory-service domain", "nobody-here@corp.example.com"],
  ])("looks up a name with %s and says there is no such user (exit 2)", async (_what, name) => {
    const result = await node.hpiam(["recover", "--dry-run", "--user", name]);
    expectOneLineError(node, result, 2, /^hpiam: --user: no user ".+" on this node$/);
    expect(result.stderr).toContain(`no user "${name}" on this node`);

    const json = await node.hpiam(["recover", "--dry-run", "--json", "--user", name]);
    expect(json.exitCode).toBe(2);
    expect(JSON.parse(json.stdout).error.message).toBe(`--user: no user "${name}" on this node`);
  });
});

describe("a HOME holding a terminal escape and a newline", () => {
  const node = useSimulatedNode();
  // A real folder of that name, with the leaked keys in it: whoami, diagnose and recover all print its paths.
  const hostile = () => join(node.sandbox.root, "home", "ub\u001b[2Juntu\nFORGED: all is well");

  beforeAll(async () => {
    await mkdir(join(hostile(), ".aws"), { recursive: true });
    await writeFile(join(hostile(), ".aws", "credentials"), leakedCredentials(node), { mode: 0o600 });
  });

  it.each([[["whoami"]], [["diagnose"]], [["recover", "--dry-run"]]])(
    "%j prints it escaped: no escape sequence, no forged line",
    async (args) => {
      const result = await node.hpiam(args, { HOME: hostile() });
      expectCalm(node, result);
      const printed = `${result.stdout}${result.stderr}`;
      expect(printed).toContain("ub\\u001b[2Juntu\\u000aFORGED");
      expect(unprintables(printed)).toEqual([]);
      expect(printed).not.toMatch(/^FORGED/m);
    },
  );
});
