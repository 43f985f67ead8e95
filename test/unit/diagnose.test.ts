import { describe, expect, it } from "vitest";
import { CHECK_IDS } from "../../src/diagnose/catalogue";
import { diagnose, diagnoseExitCode, selectChecks, withTimeout } from "../../src/diagnose/diagnose";
import type { Context } from "../../src/context";
import { UsageError } from "../../src/errors";
import { renderDiagnose } from "../../src/diagnose/render-diagnose";
import { plainStyle } from "../../src/output/style";
import { fakeNode as node } from "../support/fake-node";

const statusOf = async (ctx: Context, options = {}) => {
  const result = await diagnose(options, ctx);
  return Object.fromEntries(result.checks.map((check) => [check.id, check.status]));
};

describe("diagnose", () => {
  it("reports a healthy worker node: exit 0, the node described", async () => {
    const result = await diagnose({}, node());
    expect(result.summary).toMatchObject({ status: "healthy", fail: 0, error: 0 });
    expect(diagnoseExitCode(result)).toBe(0);
    expect(result.checks.map((check) => check.id)).toEqual(CHECK_IDS);
    expect(result.node).toMatchObject({ cluster: "ml-cluster", group: "worker-group-1", role: "compute" });
  });

  it("turns a check that throws into that check's error, scrubbed, and reports the rest", async () => {
    const ctx = node({ uid: 0 });
    const broken: Context = {
      ...ctx,
      user: {
        ...ctx.user,
        lookup: () => Promise.reject(new Error(`boom ${"x".repeat(40)} AKIAIOSFODNN7EXAMPLE`)),
      },
    };
    const result = await diagnose({ checks: "root-credentials,hyperpod-node" }, broken);
    const check = result.checks.find((c) => c.id === "root-credentials");
    expect(check).toMatchObject({ status: "error", message: "could not run: boom [redacted] AKIA…MPLE" });
    expect(result.checks.find((c) => c.id === "hyperpod-node")?.status).toBe("pass");
    expect(result.summary).toMatchObject({ status: "unknown", error: 1 });
    expect(diagnoseExitCode(result)).toBe(3);
  });

  it("bounds every check: an identity that never comes times out only the checks that need it", async () => {
    const ctx = node();
    const hanging: Context = { ...ctx, aws: { ...ctx.aws, readChain: () => new Promise(() => {}) } };
    const result = await diagnose({}, hanging, 50);
    const byId = Object.fromEntries(result.checks.map((check) => [check.id, check]));
    expect(byId["caller-identity"]).toMatchObject({
      status: "error",
      message: expect.stringMatching(/did not finish within 0.05 s/),
    });
    expect(byId["clock-skew"]?.status).toBe("error");
    expect(byId["hyperpod-node"]?.status).toBe("pass");
    expect(byId["ssm-agent"]?.status).toBe("pass");
  });

  it("exits 1 when a check fails", async () => {
    const result = await diagnose(
      { checks: "ssm-agent" },
      node({ exec: { run: async () => ({ exitCode: 3, stdout: "inactive", stderr: "", timedOut: false }) } }),
    );
    expect(result.summary.status).toBe("unhealthy");
    expect(diagnoseExitCode(result)).toBe(1);
  });

  it("skips the root-only checks for a non-root user, and runs them as root", async () => {
    expect(await statusOf(node({ uid: 1000 }))).toMatchObject({
      "root-credentials": "skip",
      "imds-proxy": "skip",
      "other-users": "skip",
    });
    const root = node({ uid: 0 });
    expect(await statusOf(root)).toMatchObject({ "root-credentials": "pass", "imds-proxy": "pass" });
    expect(root.ran).toContainEqual(["iptables-save"]);
  });

  it("refuses --all-users without root, and scans the homes with it as root", async () => {
    await expect(diagnose({ allUsers: true }, node({ uid: 1000 }))).rejects.toThrow(/--all-users needs root/);
    const root = node({ uid: 0 });
    const result = await diagnose({ allUsers: true, checks: "other-users" }, root);
    expect(result.checks[0]).toMatchObject({
      status: "pass",
      message: "no AWS credentials in 0 home(s): none",
    });
  });

  it("--all-users: another user's startup form hpiam cannot decide is an error (unknown, exit 3), with file:line and why", async () => {
    const users = [
      { name: "alice", uid: 1001, gid: 1001, home: "/home/alice", shell: "/bin/bash" },
      { name: "zoe", uid: 1002, gid: 1002, home: "/home/zoe", shell: "/usr/bin/zsh" },
    ];
    // zoe's login shell is zsh: her ~/.bashrc is never read, so its eval counts for nothing.
    const files = {
      "/home/alice/.bashrc": 'alias ll="ls -l"\neval "$(cat ~/.aws.env)"\n',
      "/home/zoe/.bashrc": 'eval "$(cat ~/.aws.env)"\n',
      "/home/zoe/.zshrc": "export AWS_PROFILE=dev\n",
    };
    const result = await diagnose({ allUsers: true, checks: "other-users" }, node({ uid: 0, users }, files));
    const [check] = result.checks;
    expect(check).toMatchObject({
      status: "error",
      message: expect.stringMatching(/^alice: cannot tell what \/home\/alice\/\.bashrc:2 exports: .+/),
      remediation: "review /home/alice/.bashrc:2 by hand",
    });
    expect(check?.details).toMatchObject({
      homes: [
        { user: "alice", undecided: [{ path: "/home/alice/.bashrc", line: 2, why: expect.any(String) }] },
        {
          user: "zoe",
          undecided: [],
          startupLines: [{ path: "/home/zoe/.zshrc", line: 1, variable: "AWS_PROFILE" }],
        },
      ],
    });
    expect(result.summary.status).toBe("unknown");
    expect(diagnoseExitCode(result)).toBe(3);
  });

  it("never passes --all-users when SSSD does not enumerate: the unlisted homes were not looked at", async () => {
    const sssd = node({ uid: 0 }, { "/etc/nsswitch.conf": "passwd: files sss\n" });
    const result = await diagnose({ allUsers: true, checks: "other-users" }, sssd);
    expect(result.checks[0]).toMatchObject({
      status: "error",
      message: expect.stringMatching(
        /^looked only at the 0 home\(s\) the user database lists: SSSD does not/,
      ),
      remediation: "name each domain user: sudo hpiam recover --dry-run --user NAME",
    });
    expect(result.summary.status).toBe("unknown");
  });
});

describe("selectChecks", () => {
  it("keeps report order whatever order --checks gives", () => {
    expect(selectChecks("clock-skew, aws-files").map((check) => check.id)).toEqual([
      "aws-files",
      "clock-skew",
    ]);
  });

  it.each([["bogus"], ["aws-files,nope"], [","]])("refuses %j, listing the valid ids", (list) => {
    expect(() => selectChecks(list)).toThrow(UsageError);
    try {
      selectChecks(list);
    } catch (error) {
      expect((error as UsageError).hint).toBe(`Valid ids: ${CHECK_IDS.join(", ")}.`);
    }
  });
});

describe("withTimeout", () => {
  it("passes a result through and rejects what takes too long", async () => {
    await expect(withTimeout(Promise.resolve(7), 1000)).resolves.toBe(7);
    await expect(withTimeout(new Promise(() => {}), 10)).rejects.toThrow(/timed out/);
  });
});

describe("renderDiagnose", () => {
  it("prints the table, the fixes of what is wrong in report order, and the summary last", async () => {
    const result = await diagnose(
      {},
      node({
        env: { AWS_ACCESS_KEY_ID: "AKIAIOSFODNN7EXAMPLE" },
        exec: { run: async () => ({ exitCode: 3, stdout: "inactive", stderr: "", timedOut: false }) },
      }),
    );
    const text = renderDiagnose(result, plainStyle);
    const [table = "", fixes = "", summary = ""] = text.trimEnd().split("\n\n");
    expect(table.split("\n")).toHaveLength(CHECK_IDS.length);
    expect(table).toMatch(/^✖ environment +AWS_ACCESS_KEY_ID set in this process's environment$/m);
    expect(fixes.split("\n")).toEqual([
      "to fix",
      "  ✖ environment        unset AWS_ACCESS_KEY_ID",
      "  ✖ ssm-agent          sudo systemctl restart amazon-ssm-agent",
    ]);
    expect(summary).toMatch(/^✖ unhealthy {2}\d+ pass, 2 fail, \d+ skip$/);
    expect(text).not.toContain("AKIAIOSFODNN7EXAMPLE");
  });
});
