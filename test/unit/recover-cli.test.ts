import { readdir, rm } from "node:fs/promises";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runHpiamInProcess } from "../support/cli";
import { recover } from "../../src/recover/recover";
import type { RecoverOptions } from "../../src/recover/types";
import type { Context } from "../../src/context";
import { HpiamError, UsageError } from "../../src/errors";
import { createFiles } from "../../src/system/files";
import { configuredHome, onRealHome } from "../support/real-home";

// recover's refusals (exit 2 and 3) and what its command line prints: exit codes, JSON, the plan on stderr.

let root: string;
let home: string;
beforeEach(async () => ({ root, home } = await configuredHome()));
afterEach(() => rm(root, { recursive: true, force: true }));

const node = (options: Parameters<typeof onRealHome>[1] = {}) => onRealHome(home, options);
const run = (ctx: Context, options: RecoverOptions = {}) => recover(options, ctx);

describe("hpiam recover refuses", () => {
  it.each([
    ["EACCES", /permission denied \(EACCES\).*To fix: run it as the home's owner, or with sudo/],
    ["EROFS", /read-only file system \(EROFS\).*To fix: remount that file system read-write/],
    ["ENOSPC", /no space left on the device \(ENOSPC\).*To fix: free some space/],
  ])("says what and what to do when the home cannot take a lock file: %s (exit 3)", async (code, says) => {
    const ctx = node({
      files: {
        ...createFiles(),
        createSymlink: () => Promise.reject(Object.assign(new Error("refused"), { code })),
      },
    });
    const refused = await run(ctx, { yes: true }).catch((error: HpiamError) => error);
    expect(refused).toBeInstanceOf(HpiamError);
    expect((refused as HpiamError).exitCode).toBe(3);
    expect(`${(refused as HpiamError).message} ${(refused as HpiamError).hint}`).toMatch(says);
    expect(await readdir(home)).toEqual([".aws"]);
  });

  it("refuses --user names that are not plain user names, and --all-users when not root", async () => {
    await expect(run(node(), { user: "../etc" })).rejects.toThrow(UsageError);
    await expect(run(node(), { allUsers: true })).rejects.toThrow(/needs root/);
    await expect(run(node(), { user: "ubuntu", allUsers: true })).rejects.toThrow(/do not go together/);
  });
});

describe("hpiam recover through the command line", () => {
  it("maps refused to 2, recovered to 0, and prints one JSON document", async () => {
    expect((await runHpiamInProcess(["recover"], node())).exitCode).toBe(2);
    const done = await runHpiamInProcess(["recover", "--yes", "--no-reboot", "--json"], node());
    expect(done.exitCode).toBe(0);
    expect(JSON.parse(done.stdout)).toMatchObject({ schemaVersion: 1, result: "recovered" });
    expect(done.stderr).toBe("");
  });

  it("shows the plan on stderr before asking at a terminal", async () => {
    const asked = await runHpiamInProcess(["recover"], node({ interactive: true, answers: [false] }));
    expect(asked.stderr).toMatch(/^hpiam recover will:\n\n {2}plan\n.*move-aws-dir/s);
    expect(asked.exitCode).toBe(2);
    expect(asked.stdout).toMatch(/^✖ refused {2}declined at the prompt/);
  });

  it("after a failed step, says the reboot is not due yet rather than sending a person to reboot", async () => {
    const real = createFiles();
    const denied = (from: string, to: string) =>
      from.endsWith("/.aws")
        ? Promise.reject(Object.assign(new Error("EPERM: rename"), { code: "EPERM" }))
        : real.rename(from, to);
    const failed = await runHpiamInProcess(
      ["recover", "--yes"],
      node({ files: { ...real, rename: denied } }),
    );
    expect(failed.exitCode).toBe(1);
    expect(failed.stdout).toMatch(
      /^✖ failed {2}move-aws-dir \S+ failed: operation not permitted \(EPERM\); run it with sudo .*, then run hpiam recover again\n/,
    );
    expect(failed.stdout).toMatch(
      / reboot {2}not yet: once what failed is fixed, hpiam recover finishes the job\n/,
    );
    expect(failed.stdout).not.toContain("sudo reboot");
  });

  it("refuses a --user that is not a user name with exit 2 and an error document", async () => {
    const bad = await runHpiamInProcess(["recover", "--json", "--user", "../etc"], node());
    expect(bad.exitCode).toBe(2);
    expect(JSON.parse(bad.stdout)).toMatchObject({ error: { code: "usage" } });
  });
});
