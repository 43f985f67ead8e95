import { existsSync } from "node:fs";
import { appendFile, chmod, chown, mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { RecoverResult } from "../../src/recover/types";
import { EXECUTION_ROLE } from "../support/aws-world";
import { diagnoseReport } from "../support/diagnose-report";
import { expectNoSecrets, leakedCredentials, useSimulatedNode } from "../support/simulated-node";

const ALICE = 1001;
const BOB = 1002;

/**
 * Root in a user namespace of its own is root-squashed as NFS squashes it: it has no power over files of users
 * the namespace does not map. alice's home (0700) it cannot read; bob's (0755) it can read, not change.
 */
describe("sudo hpiam … --all-users with a root-squashed home among the others", () => {
  const node = useSimulatedNode();
  const squashed = { within: ["unshare", "--user", "--map-root-user", "--"] };
  const bobHome = () => join(node.sandbox.root, "home", "bob");
  const aws = (home: string) => join(home, ".aws");
  const keysIn = async (home: string, owner?: number, mode = 0o700) => {
    await mkdir(aws(home), { recursive: true, mode });
    await writeFile(join(aws(home), "credentials"), leakedCredentials(node), { mode: mode & 0o644 });
    if (owner === undefined) return;
    for (const path of [join(aws(home), "credentials"), aws(home), home]) await chown(path, owner, owner);
  };

  beforeAll(async () => {
    if (process.getuid?.() !== 0) throw new Error("this test runs as root, as npm test does (README)");
    await appendFile(join(node.sandbox.root, "passwd"), `bob:x:${BOB}:${BOB}::${bobHome()}:/bin/bash\n`);
    await mkdir(bobHome());
    await keysIn(node.sandbox.rootHome);
    await keysIn(node.sandbox.home);
    await keysIn(node.sandbox.aliceHome, ALICE);
    await chmod(node.sandbox.aliceHome, 0o700);
    await keysIn(bobHome(), BOB, 0o755);
  });

  it("diagnose names the home root cannot read, with the command that can", async () => {
    const result = await node.hpiam(
      ["diagnose", "--all-users", "--checks", "other-users", "--json"],
      {},
      squashed,
    );
    const { check } = diagnoseReport(result);
    expect(check("other-users").status).toBe("fail");
    expect(check("other-users").remediation).toContain("sudo -u alice -H hpiam diagnose");
    expect(check("other-users").details).toMatchObject({
      homes: expect.arrayContaining([
        expect.objectContaining({ user: "alice", readable: false, profiles: [] }),
        expect.objectContaining({ user: "bob", readable: true }),
      ]),
    });
  });

  it("recover names it in the plan, recovers and verifies the others; bob's unwritable home fails alone", async () => {
    const plan = await node.hpiam(["recover", "--all-users", "--dry-run"], {}, squashed);
    expect(plan.stdout).toMatch(
      /not looked at or not changed\n +alice: root cannot read \S+\/alice\/\.aws \(permission denied: a root-squashed NFS home\?\)\n +sudo -u alice -H hpiam recover\n/,
    );

    const result = await node.hpiam(
      ["recover", "--all-users", "--yes", "--no-reboot", "--json"],
      {},
      squashed,
    );
    expect(result.exitCode, result.stdout).toBe(1);
    const doc = JSON.parse(result.stdout) as RecoverResult;
    expect(doc.notDone).toEqual([
      {
        user: "alice",
        home: node.sandbox.aliceHome,
        why: `root cannot read ${aws(node.sandbox.aliceHome)} (permission denied: a root-squashed NFS home?)`,
        command: "sudo -u alice -H hpiam recover",
      },
    ]);
    // bob's home can be read, not changed: left as it was, and root's and ubuntu's are still verified.
    expect(doc.result).toBe("failed");
    expect(doc.reason).toMatch(/^left bob's home as it was: cannot write .*sudo -u bob -H hpiam recover/);
    expect(doc.verification).toMatchObject({
      status: "healthy",
      arn: expect.stringContaining(`assumed-role/${EXECUTION_ROLE}/`),
    });
    expect(doc.undo).toBe("hpiam recover --all-users --undo");
    expect(doc.steps.filter((step) => step.id === "move-aws-dir")).toMatchObject([
      { user: "root", status: "done" },
      { user: "ubuntu", status: "done" },
      { user: "bob", status: "skipped" },
    ]);
    expect(existsSync(aws(node.sandbox.rootHome))).toBe(false);
    expect(existsSync(aws(node.sandbox.home))).toBe(false);
    expect(existsSync(aws(node.sandbox.aliceHome))).toBe(true);
    expect(existsSync(aws(bobHome()))).toBe(true);
    expectNoSecrets(node, plan, result);
  });

  it("--undo --all-users restores every home it can and names the rest", async () => {
    // ubuntu's ~/.aws came back meanwhile: that home alone cannot be undone.
    await mkdir(aws(node.sandbox.home));
    const result = await node.hpiam(["recover", "--undo", "--all-users", "--yes", "--json"], {}, squashed);
    expect(result.exitCode, result.stdout).toBe(1);
    const doc = JSON.parse(result.stdout) as RecoverResult;
    expect(doc.result, doc.reason).toBe("restored");
    expect(doc.steps).toMatchObject([{ id: "restore-aws-dir", user: "root", status: "done" }]);
    expect(doc.notDone.map(({ user, command }) => [user, command])).toEqual([
      [
        "ubuntu",
        `mv ${aws(node.sandbox.home)} ${aws(node.sandbox.home)}.old && sudo hpiam recover --undo --user ubuntu`,
      ],
      ["alice", "sudo -u alice -H hpiam recover --undo"],
    ]);
    expect(doc.reason).toMatch(/; but ubuntu's home not done: \S+ exists again/);
    expect(existsSync(join(aws(node.sandbox.rootHome), "credentials"))).toBe(true);
  });
});
