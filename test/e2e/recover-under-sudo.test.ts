import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { RecoverResult } from "../../src/recover/types";
import { EXECUTION_ROLE, LEAKED_USER } from "../support/aws-world";
import { diagnoseReport } from "../support/diagnose-report";
import { expectNoSecrets, leakedCredentials, useSimulatedNode } from "../support/simulated-node";

// `sudo hpiam recover` as Ubuntu's sudo starts it: uid 0, SUDO_USER the invoking user, HOME root's own.
describe("sudo hpiam recover with keys in root's own ~/.aws", () => {
  const node = useSimulatedNode();
  const sudo = () => ({ SUDO_USER: "ubuntu", HOME: node.sandbox.rootHome });
  const rootAws = () => join(node.sandbox.rootHome, ".aws");

  beforeAll(async () => {
    if (process.getuid?.() !== 0) throw new Error("this test runs as root, as npm test does (README)");
    await mkdir(rootAws());
    await writeFile(join(rootAws(), "credentials"), leakedCredentials(node), { mode: 0o600 });
  });

  it("names root's keys and the exact command (exit 1), and describes ubuntu's home before", async () => {
    // The fix whoami and diagnose print is the one that removes root's keys, not `sudo hpiam recover` alone.
    const whoami = await node.hpiam(["whoami", "--json"], sudo());
    expect(JSON.parse(whoami.stdout).verdict).toMatchObject({
      status: "overridden",
      fix: "sudo hpiam recover --user root",
    });
    const { check } = diagnoseReport(
      await node.hpiam(["diagnose", "--checks", "credential-source", "--json"], sudo()),
    );
    expect(check("credential-source").remediation).toBe("sudo hpiam recover --user root");

    const result = await node.hpiam(["recover", "--yes", "--no-reboot", "--json"], sudo());
    expectNoSecrets(node, whoami, result);
    expect(result.exitCode).toBe(1);
    const doc = JSON.parse(result.stdout) as RecoverResult;
    expect(doc.result).toBe("nothing-to-do");
    expect(doc.users.map((user) => user.home)).toEqual([node.sandbox.home]);
    expect(doc.untouched).toEqual([
      {
        user: "root",
        home: node.sandbox.rootHome,
        path: rootAws(),
        found: expect.stringMatching(/^\[default\] static keys \(AKIA…\w{4}\)$/),
        command: "sudo hpiam recover --user root",
      },
    ]);
    expect(doc.reason).toMatch(
      /still holds \[default\] static keys \(AKIA…\w{4}\): what root runs signs with them, and the SSM agent may too: sudo hpiam recover --user root$/,
    );
    // ubuntu's home signs as the node's role: that is the "before" of the home this run is about.
    expect(doc.identityBefore?.arn).toContain(`assumed-role/${EXECUTION_ROLE}/`);
    expect(existsSync(rootAws())).toBe(true);

    const human = await node.hpiam(["recover", "--yes", "--no-reboot"], sudo());
    // Done as asked, but root's keys are left: not a green result.
    expect(human.stdout).toMatch(/^! nothing-to-do /);
    expect(human.stdout).toMatch(
      /still holds keys, not changed \(not asked\)\n +\S+\/root\/\.aws {2}\[default\] static keys \(AKIA…\w{4}\)\n +sudo hpiam recover --user root/,
    );
  });

  it("with keys in both homes, moves ubuntu's: before and verify are ubuntu's; root's are still named", async () => {
    await node.runAwsConfigure();
    const result = await node.hpiam(["recover", "--yes", "--no-reboot", "--json"], sudo());
    expect(result.exitCode).toBe(1);
    const doc = JSON.parse(result.stdout) as RecoverResult;
    expect(doc).toMatchObject({
      result: "recovered",
      identityBefore: { type: "iam-user", name: LEAKED_USER },
      verification: { status: "healthy", arn: expect.stringContaining(`assumed-role/${EXECUTION_ROLE}/`) },
      untouched: [{ user: "root", command: "sudo hpiam recover --user root" }],
    });
    expect(existsSync(join(node.sandbox.home, ".aws"))).toBe(false);
    expect(doc.undo).toBe("sudo hpiam recover --undo");

    const root = await node.hpiam(["recover", "--user", "root", "--yes", "--no-reboot", "--json"], sudo());
    expect(root.exitCode, root.stdout).toBe(0);
    expect(JSON.parse(root.stdout)).toMatchObject({ result: "recovered", untouched: [] });
    expect(existsSync(rootAws())).toBe(false);
  });
});
