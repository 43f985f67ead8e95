import { appendFile, chmod, chown, lstat, mkdir, readdir, readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { RecoverResult } from "../../src/recover/types";
import { diagnoseReport } from "../support/diagnose-report";
import { NOBODY } from "../support/cli";
import { expectNoSecrets, leakedCredentials, useSimulatedNode } from "../support/simulated-node";

/**
 * What `sudo hpiam recover --all-users` leaves in a user's home, then that user's own hpiam reading it. The user
 * is carol, uid 65534 in the node's user database, so that her runs go through setpriv as a uid this machine
 * knows too.
 */
describe("what sudo hpiam recover leaves in another user's home is that user's", () => {
  const node = useSimulatedNode();
  const carolHome = () => join(node.sandbox.root, "home", "carol");
  const carolAws = () => join(carolHome(), ".aws");
  const asCarol = (args: string[]) =>
    node.hpiam(args, { HOME: carolHome(), USER: "carol" }, { asNobody: true });
  let credentials: Buffer;

  beforeAll(async () => {
    if (process.getuid?.() !== 0) throw new Error("this test runs as root, as npm test does (README)");
    // Readable by an ordinary user, as a node's homes and stub log are.
    await chmod(node.sandbox.root, 0o755);
    await chmod(node.env.HPIAM_STUB_LOG ?? "", 0o666);
    await appendFile(
      join(node.sandbox.root, "passwd"),
      `carol:x:${NOBODY}:${NOBODY}::${carolHome()}:/bin/bash\n`,
    );
    await mkdir(carolAws(), { recursive: true });
    await writeFile(join(carolAws(), "credentials"), leakedCredentials(node), { mode: 0o600 });
    credentials = await readFile(join(carolAws(), "credentials"));
    // A group-readable ~/.aws, as a umask of 027 makes it: --undo must give it that mode back.
    await chmod(carolAws(), 0o750);
    for (const path of [carolHome(), carolAws(), join(carolAws(), "credentials")]) {
      await chown(path, NOBODY, NOBODY);
    }
  });

  it("root's run moves carol's keys; backup, mode record and reboot-due are carol's, and only in her home", async () => {
    const result = await node.hpiam(["recover", "--all-users", "--yes", "--no-reboot", "--json"], {
      HOME: node.sandbox.rootHome,
    });
    expectNoSecrets(node, result);
    const doc = JSON.parse(result.stdout) as RecoverResult;
    expect(doc.result, doc.reason).toBe("recovered");
    expect(result.exitCode).toBe(0);

    const left = (await readdir(carolHome())).filter((name) => name.startsWith(".aws.hpiam-")).sort();
    expect(left).toEqual([
      expect.stringMatching(/^\.aws\.hpiam-backup-\d{8}T\d{6}Z$/),
      expect.stringMatching(/^\.aws\.hpiam-mode-\d{8}T\d{6}Z$/),
      ".aws.hpiam-reboot-due",
    ]);
    for (const name of left) {
      const info = await lstat(join(carolHome(), name));
      expect([name, info.uid, info.gid]).toEqual([name, NOBODY, NOBODY]);
    }
    // Nothing moved in the other homes: no reboot is owed there.
    for (const home of [node.sandbox.home, node.sandbox.aliceHome, node.sandbox.rootHome]) {
      expect(await readdir(home)).not.toContain(".aws.hpiam-reboot-due");
    }
  });

  it("as carol: diagnose warns the reboot is due, recover says it is still due", async () => {
    const { check } = diagnoseReport(await asCarol(["diagnose", "--checks", "aws-files", "--json"]));
    expect(check("aws-files")).toMatchObject({
      status: "warn",
      message: expect.stringMatching(/^a reboot is still due: hpiam recover moved the keys aside at \S+/),
    });

    const again = await asCarol(["recover", "--yes", "--no-reboot", "--json"]);
    expect(again.exitCode, again.stderr).toBe(0);
    const doc = JSON.parse(again.stdout) as RecoverResult;
    expect(doc.result).toBe("nothing-to-do");
    expect(doc.reason).toMatch(/but a reboot is still due since \S+/);
  });

  it("as carol: --undo puts ~/.aws back with its own mode (0750 stays 0750), byte for byte", async () => {
    const undo = await asCarol(["recover", "--undo", "--yes", "--json"]);
    expect(undo.exitCode, undo.stderr).toBe(0);
    expect((JSON.parse(undo.stdout) as RecoverResult).result).toBe("restored");
    expect((await stat(carolAws())).mode & 0o777).toBe(0o750);
    expect(await readFile(join(carolAws(), "credentials"))).toEqual(credentials);
    expect((await readdir(carolHome())).filter((name) => name.startsWith(".aws.hpiam-mode-"))).toEqual([]);
  });
});
