import { existsSync } from "node:fs";
import { chmod, chown, mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { RecoverResult } from "../../src/recover/types";
import { diagnoseReport } from "../support/diagnose-report";
import { inPrivateMounts } from "../support/private-mounts";
import { expectNoSecrets, leakedCredentials, ends, useSimulatedNode } from "../support/simulated-node";

// An admin's `sudo hpiam … --all-users` while the directory service (SSSD) fails, hangs, or does not enumerate.
describe("--all-users when the user database fails, hangs or lists local users only", () => {
  const node = useSimulatedNode();
  const bin = (name: string) => join(node.sandbox.root, `getent-${name}`);
  /** PATH with a getent of its own in front of the sandbox's. */
  const withGetent = (name: string) => ({ PATH: `${bin(name)}:${node.env.PATH ?? ""}` });
  const nsswitch = () => join(node.sandbox.root, "nsswitch.conf");
  /** This node's NSS reads SSSD (`passwd: files sss`), in a mount namespace of the command's own. */
  const withSssd = () =>
    inPrivateMounts(
      '{ [ ! -d /etc/sssd ] || mount -t tmpfs none /etc/sssd; } && mount --bind "$0" /etc/nsswitch.conf && exec "$@"',
      nsswitch(),
    );
  const keysIn = async (home: string) => {
    await mkdir(join(home, ".aws"), { recursive: true });
    await writeFile(join(home, ".aws", "credentials"), leakedCredentials(node), { mode: 0o600 });
  };

  beforeAll(async () => {
    if (process.getuid?.() !== 0) throw new Error("this test runs as root, as npm test does (README)");
    const stubs = {
      failing: "#!/bin/sh\necho 'getent: cannot contact sssd' >&2\nexit 1\n",
      hanging: "#!/bin/sh\nexec sleep 60\n",
      // A wrapper whose child hangs (an `sss` call, a `sleep`): the child's pid is left for the test to look at.
      "hanging-child": '#!/bin/sh\nsleep 30 &\necho $! > "$0.child"\nwait\n',
      // SSSD with enumerate = false: enumeration lists local users only; a lookup by name still finds alice.
      local: `#!/bin/sh\n[ $# -gt 1 ] && exec ${join(node.sandbox.binDir, "getent")} "$@"\n${join(node.sandbox.binDir, "getent")} passwd | grep -v '^alice:'\n`,
    };
    for (const [name, script] of Object.entries(stubs)) {
      await mkdir(bin(name));
      await writeFile(join(bin(name), "getent"), script);
      await chmod(join(bin(name), "getent"), 0o755);
    }
    await writeFile(nsswitch(), "passwd:         files sss\ngroup:          files sss\n");
    await keysIn(node.sandbox.aliceHome);
  });

  it("a failing getent: other-users is an error, not `0 home(s)`; recover exits 3 and changes nothing", async () => {
    const report = diagnoseReport(
      await node.hpiam(["diagnose", "--all-users", "--json"], withGetent("failing")),
    );
    expect(report.exitCode).toBe(3);
    expect(report.doc.summary.status).toBe("unknown");
    expect(report.check("other-users")).toMatchObject({
      status: "error",
      message:
        "could not run: cannot read the user database: getent passwd failed (exit 1: getent: cannot contact sssd)",
    });

    const recover = await node.hpiam(
      ["recover", "--all-users", "--yes", "--no-reboot", "--json"],
      withGetent("failing"),
    );
    expect(recover.exitCode).toBe(3);
    expect(JSON.parse(recover.stdout).error).toMatchObject({
      code: "user-database",
      hint: expect.stringContaining("--user NAME"),
    });
    expect(existsSync(join(node.sandbox.aliceHome, ".aws"))).toBe(true);
    expectNoSecrets(node, recover);
  });

  it("a hanging getent: named as such, the summary is not healthy, recover exits 3", async () => {
    const report = diagnoseReport(
      await node.hpiam(
        ["diagnose", "--all-users", "--checks", "other-users,root-credentials", "--json"],
        withGetent("hanging"),
      ),
    );
    expect(report.exitCode).toBe(3);
    expect(report.doc.summary.status).toBe("unknown");
    for (const id of ["other-users", "root-credentials"] as const) {
      expect(report.check(id)).toMatchObject({
        status: "error",
        message: "could not run: cannot read the user database: getent passwd did not answer within 3 s",
      });
    }
    const recover = await node.hpiam(["recover", "--all-users", "--dry-run"], withGetent("hanging"));
    expect(recover.exitCode).toBe(3);
    expect(recover.stderr).toMatch(
      /^hpiam: cannot read the user database: getent passwd did not answer within 3 s\n.*--user NAME/,
    );
  });

  it("SSSD that lists local users only: says whose homes were not looked at, and --user reaches them", async () => {
    const how = { within: withSssd() };
    await keysIn(node.sandbox.home);
    const report = diagnoseReport(
      await node.hpiam(
        ["diagnose", "--all-users", "--checks", "other-users", "--json"],
        withGetent("local"),
        how,
      ),
    );
    // ubuntu's keys are found; alice's home, which holds keys too, is never looked at, and that is said.
    expect(report.check("other-users")).toMatchObject({
      status: "fail",
      message: expect.stringContaining("ubuntu: static keys"),
      details: { unlisted: expect.stringMatching(/^SSSD does not enumerate/) },
    });
    expect(report.check("other-users").remediation).toContain("sudo hpiam recover --dry-run --user NAME");

    const result = await node.hpiam(
      ["recover", "--all-users", "--yes", "--no-reboot", "--json"],
      withGetent("local"),
      how,
    );
    expect(result.exitCode, result.stdout).toBe(1);
    const doc = JSON.parse(result.stdout) as RecoverResult;
    expect(doc.result).toBe("recovered");
    expect(doc.users.map((user) => user.user)).toEqual(["root", "ubuntu"]);
    expect(doc.notDone).toEqual([
      {
        user: null,
        home: null,
        why: expect.stringMatching(/^users the user database does not list: SSSD does not enumerate/),
        command: "sudo hpiam recover --user NAME",
      },
    ]);
    expect(doc.reason).toMatch(/; but not looked at: users the user database does not list: .*--user NAME$/);
    expect(existsSync(join(node.sandbox.aliceHome, ".aws"))).toBe(true);

    const human = await node.hpiam(["recover", "--all-users", "--dry-run"], withGetent("local"), how);
    expect(human.stdout).toMatch(
      /not looked at or not changed\n +users the user database does not list: SSSD/,
    );

    const alice = await node.hpiam(
      ["recover", "--user", "alice", "--yes", "--no-reboot", "--json"],
      withGetent("local"),
    );
    expect(alice.exitCode, alice.stdout).toBe(0);
    expect(existsSync(join(node.sandbox.aliceHome, ".aws"))).toBe(false);
    expectNoSecrets(node, result, human, alice);
  });

  it("a getent whose child hangs: bounded with its child, and only the checks that read users say so", async () => {
    const report = diagnoseReport(
      await node.hpiam(["diagnose", "--all-users", "--json"], withGetent("hanging-child")),
    );
    const readers = ["root-credentials", "other-users"] as const;
    for (const id of readers) {
      expect(report.check(id)).toMatchObject({
        status: "error",
        message: "could not run: cannot read the user database: getent passwd did not answer within 3 s",
      });
    }
    // No other check is blamed for the wait (`did not finish within 5 s (an endpoint that does not answer?)`).
    for (const check of report.doc.checks.filter((c) => !(readers as readonly string[]).includes(c.id)))
      expect(check.message, check.id).not.toMatch(/did not finish within/);
    const child = Number(await readFile(join(bin("hanging-child"), "getent.child"), "utf8"));
    expect(await ends(child), `getent's child ${child}`).toBe(true);
  });

  it("a uid the user database does not know: whoami and diagnose answer, with HOME as the home", async () => {
    const uid = 4242;
    const home = join(node.sandbox.root, "home", "unlisted");
    await mkdir(home, { recursive: true });
    await chown(home, uid, uid);
    await chmod(node.sandbox.root, 0o755);
    const as = { within: ["setpriv", `--reuid=${uid}`, `--regid=${uid}`, "--clear-groups"] };
    const whoami = await node.hpiam(["whoami", "--json"], { HOME: home }, as);
    expect(whoami.exitCode, whoami.stderr).toBe(0);
    expect(JSON.parse(whoami.stdout)).toMatchObject({ verdict: { status: "healthy" } });
    const report = diagnoseReport(await node.hpiam(["diagnose", "--json"], { HOME: home }, as));
    expect(report.check("aws-files")).toMatchObject({
      status: "pass",
      message: expect.stringContaining(home),
    });
    expect(report.result.stderr).not.toMatch(/unexpected error/);
  });
});
