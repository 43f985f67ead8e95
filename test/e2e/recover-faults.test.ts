import { execa } from "execa";
import { readdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { requireTool } from "../support/processes";
import type { RunResult } from "../support/cli";
import { expectOneLineError, useSimulatedNode } from "../support/simulated-node";

// recover on a real filesystem that refuses: the node's home is a small tmpfs of its own, filled up or
// remounted read-only. The unit tests fail every file operation in turn; these check that the real kernel
// errors reach the user as the same one-line advice, and that nothing is half done.

describe("hpiam recover when the home's filesystem refuses", () => {
  const node = useSimulatedNode();
  const home = () => node.sandbox.home;
  const mount = (...args: string[]) => execa("mount", args);

  beforeEach(async () => {
    await requireTool("mount");
    await mount("-t", "tmpfs", "-o", "size=256k,mode=0755", "hpiam-test-home", home());
    await node.runAwsConfigure();
  });
  afterEach(async () => {
    await execa("umount", [home()]);
  });

  const credentials = () => readFile(join(home(), ".aws", "credentials"), "utf8");

  /** Exit 3 and one line naming the lock file and the fault, then the hint: what to do, and to run again. */
  function expectAdvice(result: RunResult, says: RegExp, todo: RegExp) {
    expectOneLineError(node, result, 3, says);
    expect(result.stderr).toMatch(todo);
    expect(result.stderr).toMatch(/then run hpiam recover again/);
  }

  it("disk full: exit 3 with what to do, no empty lock file left, and after freeing space it recovers", async () => {
    const before = await credentials();
    // Fill it: the write stops at the size limit with ENOSPC, leaving the file as large as it could get.
    await writeFile(join(home(), "filler"), Buffer.alloc(1024 * 1024)).catch(() => undefined);

    const full = await node.hpiam(["recover", "--yes", "--no-reboot"]);
    expectAdvice(
      full,
      /cannot write .*\.aws\.hpiam-lock: no space left on the device \(ENOSPC\)/,
      /free some space/,
    );
    expect((await readdir(home())).sort()).toEqual([".aws", "filler"]);
    expect(await credentials()).toBe(before);

    await rm(join(home(), "filler"));
    const freed = await node.hpiam(["recover", "--yes", "--no-reboot", "--json"]);
    expect(freed.exitCode, freed.stdout).toBe(0);
    expect(JSON.parse(freed.stdout)).toMatchObject({
      result: "recovered",
      verification: { status: "healthy" },
    });
  });

  it("read-only: exit 3 with what to do, nothing changed, and once read-write again it recovers", async () => {
    const before = await credentials();
    await mount("-o", "remount,ro", home());

    const readOnly = await node.hpiam(["recover", "--yes", "--no-reboot"]);
    expectAdvice(
      readOnly,
      /cannot write .*\.aws\.hpiam-lock: read-only file system \(EROFS\)/,
      /remount that file system read-write/,
    );
    expect(await readdir(home())).toEqual([".aws"]);
    expect(await credentials()).toBe(before);

    await mount("-o", "remount,rw", home());
    const writable = await node.hpiam(["recover", "--yes", "--no-reboot", "--json"]);
    expect(writable.exitCode, writable.stdout).toBe(0);
    const [backup] = JSON.parse(writable.stdout).backups as string[];
    expect(await readFile(join(backup ?? "", "credentials"), "utf8")).toBe(before);
  });
});
