import { mkdtemp, readdir, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import type { CheckResult, DiagnoseResult } from "../../src/contract/diagnose";
import { ALERT_RULES } from "../../src/metrics/model/alert-rules";
import { escapeHelp, escapeLabelValue, renderExposition } from "../../src/metrics/model/exposition";
import { homesOverridden, nodeMetrics } from "../../src/metrics/model/node-metrics";
import { scrubSecrets } from "../../src/output/scrub";
import { createFiles } from "../../src/system/files";
import { runHpiamInProcess } from "../support/cli";
import { fakeContext, HEALTHY_NODE } from "../support/fake-context";
import { samplesOf } from "../support/prometheus";

function check(id: string, status: CheckResult["status"], details: object = {}): CheckResult {
  return { id, title: id, status, message: "", remediation: null, details } as CheckResult;
}

/** A node after `aws configure`: the leaked user signs, from ~/.aws/credentials. */
const overridden: DiagnoseResult = {
  schemaVersion: 1,
  summary: { status: "unhealthy", pass: 2, warn: 0, fail: 2, skip: 0, error: 0 },
  checks: [
    check("caller-identity", "pass", {
      account: "123456789012",
      arn: "arn:aws:iam::123456789012:user/leaked",
      userId: "AIDAEXAMPLE",
      type: "iam-user",
      name: "leaked",
      region: "us-west-2",
    }),
    check("credential-source", "fail", {
      provider: "shared-credentials-file",
      method: "shared-credentials-file",
      profile: "default",
      path: "/root/.aws/credentials",
      line: 2,
      roleArn: null,
      accessKeyId: "AKIA…MPLE",
      local: true,
      longTerm: true,
    }),
    check("instance-profile", "pass", {
      reachable: true,
      roleName: "ExecRole",
      instanceProfileArn: null,
      instanceId: "i-0123456789abcdef2",
      localIpv4: null,
      region: "us-west-2",
      error: null,
    }),
    check("aws-files", "fail"),
  ],
  node: null,
};

const run = {
  finishedAt: new Date("2026-01-02T03:04:05.500Z"),
  durationSeconds: 0.25,
  version: "0.1.0",
  rebootDue: false,
};

describe("the exposition format", () => {
  it("escapes backslash, double quote and line feed in label values, and backslash and line feed in HELP", () => {
    expect(escapeLabelValue('a\\b"c\nd')).toBe('a\\\\b\\"c\\nd');
    expect(escapeHelp('a\\b"c\nd')).toBe('a\\\\b"c\\nd');
    const text = renderExposition([
      { name: "x", help: "two\nlines", type: "gauge", samples: [{ labels: { v: 'say "hi"\n' }, value: 1 }] },
    ]);
    expect(text).toBe('# HELP x two\\nlines\n# TYPE x gauge\nx{v="say \\"hi\\"\\n"} 1\n');
  });

  it("gives every metric its HELP and TYPE, in that order, before its samples", () => {
    const text = renderExposition(nodeMetrics(overridden, run));
    const names = [...new Set([...samplesOf(text).keys()].map((key) => key.split("{")[0]))];
    expect(names).toEqual([
      "hpiam_build_info",
      "hpiam_node_healthy",
      "hpiam_node_status",
      "hpiam_check_status",
      "hpiam_identity_info",
      "hpiam_homes_overridden",
      "hpiam_reboot_due",
      "hpiam_last_run_timestamp_seconds",
      "hpiam_run_duration_seconds",
    ]);
    for (const name of names) {
      const at = text.indexOf(`# HELP ${name} `);
      expect(at, name).toBeGreaterThanOrEqual(0);
      expect(text.slice(at).split("\n")[1]).toBe(`# TYPE ${name} gauge`);
      expect(text.indexOf(`\n${name}`)).toBeGreaterThan(at);
    }
    expect(text.endsWith("\n")).toBe(true);
  });
});

describe("a node's metrics", () => {
  it("say unhealthy, which check fails, and who signs from where, with every status of every check", () => {
    const got = samplesOf(renderExposition(nodeMetrics(overridden, run)));
    expect(got.get("hpiam_node_healthy")).toBe(0);
    expect(got.get('hpiam_node_status{status="unhealthy"}')).toBe(1);
    expect(got.get('hpiam_node_status{status="healthy"}')).toBe(0);
    expect(got.get('hpiam_check_status{check="credential-source",status="fail"}')).toBe(1);
    for (const status of ["pass", "warn", "skip", "error"])
      expect(got.get(`hpiam_check_status{check="credential-source",status="${status}"}`)).toBe(0);
    expect([...got.keys()].filter((key) => key.startsWith("hpiam_check_status"))).toHaveLength(4 * 5);
    expect(
      got.get(
        'hpiam_identity_info{arn="arn:aws:iam::123456789012:user/leaked",type="iam-user",source="shared-credentials-file",expected_role="ExecRole"}',
      ),
    ).toBe(1);
    expect(got.get("hpiam_homes_overridden")).toBe(1);
    expect(got.get("hpiam_reboot_due")).toBe(0);
    expect(got.get("hpiam_last_run_timestamp_seconds")).toBe(1767323045.5);
    expect(got.get("hpiam_run_duration_seconds")).toBe(0.25);
    expect(got.get('hpiam_build_info{version="0.1.0"}')).toBe(1);
  });

  it("say 0 for an unknown node, which hpiam_node_status tells apart from an unhealthy one", () => {
    const unknown: DiagnoseResult = {
      ...overridden,
      summary: { ...overridden.summary, status: "unknown" },
      checks: [check("caller-identity", "error", { problem: "unreachable", region: "us-west-2" })],
    };
    const got = samplesOf(renderExposition(nodeMetrics(unknown, { ...run, rebootDue: true })));
    expect(got.get("hpiam_node_healthy")).toBe(0);
    expect(got.get('hpiam_node_status{status="unknown"}')).toBe(1);
    expect(got.get('hpiam_node_status{status="unhealthy"}')).toBe(0);
    expect(got.get('hpiam_identity_info{arn="",type="unknown",source="",expected_role=""}')).toBe(1);
    expect(got.get("hpiam_reboot_due")).toBe(1);
  });

  it("never carry a key id, and pass the output scrubber unchanged", () => {
    const text = renderExposition(nodeMetrics(overridden, run));
    expect(text).not.toMatch(/AKIA|ASIA/);
    expect(scrubSecrets(text)).toBe(text);
  });

  it("count, with every home scanned, the homes whose default profile or startup files give keys", () => {
    const place = (profile: string) => ({ profile, usedBy: [], method: "shared-credentials-file" });
    const home = (profiles: object[], variables: string[] = []) => ({
      user: "u",
      home: "/home/u",
      readable: true,
      profiles,
      startupLines: variables.map((variable) => ({ path: "/home/u/.bashrc", line: 1, variable })),
    });
    const scanned = (...homes: object[]): DiagnoseResult => ({
      ...overridden,
      checks: [check("other-users", "fail", { unlisted: null, homes })],
    });
    expect(
      homesOverridden(
        scanned(
          home([place("default")]),
          home([place("other")]),
          home([], ["AWS_SECRET_ACCESS_KEY"]),
          home([], ["AWS_PROFILE"]),
          home([]),
        ),
      ),
    ).toBe(2);
  });
});

describe("the alert rules", () => {
  it("alert on an unhealthy node for some minutes and on metrics gone stale, naming what to run", () => {
    expect(ALERT_RULES).toMatch(/^groups:\n {2}- name: hpiam-node-identity\n {4}rules:\n/);
    expect(ALERT_RULES).toContain("expr: hpiam_node_healthy == 0\n        for: 10m\n");
    expect(ALERT_RULES).toContain("expr: time() - hpiam_last_run_timestamp_seconds > 900\n");
    expect(ALERT_RULES).toContain("expr: absent(hpiam_node_healthy)\n");
    expect(ALERT_RULES.match(/^ {10}summary: /gm)).toHaveLength(3);
    expect(ALERT_RULES.match(/^ {10}description: .*On the node, run: sudo hpiam diagnose/gm)).toHaveLength(1);
  });
});

describe("hpiam metrics", () => {
  const directory = { kind: "directory" as const, mode: 0o755, uid: 0, gid: 0, size: 1 };

  it("prints the metrics and exits 0 even on an unhealthy node: it reports, the alerts judge", async () => {
    const result = await runHpiamInProcess(["metrics"], fakeContext({ ...HEALTHY_NODE, identification: {} }));
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/^hpiam_node_healthy 0$/m);
    expect(result.stdout).toMatch(/^hpiam_node_status\{status="healthy"\} 0$/m);
  });

  it("writes DIR/hpiam.prom whole, mode 0644, and prints nothing", async () => {
    const written: unknown[][] = [];
    const ctx = fakeContext({
      ...HEALTHY_NODE,
      files: {
        stat: async (path) => (path === "/var/lib/node_exporter" ? directory : undefined),
        replaceAtomically: async (...args) => void written.push(args),
      },
    });
    const result = await runHpiamInProcess(["metrics", "--textfile-dir", "/var/lib/node_exporter"], ctx);
    expect(result).toMatchObject({ exitCode: 0, stdout: "", stderr: "" });
    expect(written).toEqual([
      ["/var/lib/node_exporter/hpiam.prom", expect.stringContaining("# HELP"), 0o644],
    ]);
  });

  it.each([
    ["missing", undefined, /^hpiam: --textfile-dir: \/nowhere does not exist\n/],
    [
      "a file",
      { ...directory, kind: "file" as const },
      /^hpiam: --textfile-dir: \/nowhere is not a directory\n/,
    ],
  ])("refuses a textfile directory that is %s: one line, exit 2", async (_what, info, message) => {
    const ctx = fakeContext({ ...HEALTHY_NODE, files: { stat: async () => info } });
    const result = await runHpiamInProcess(["metrics", "--textfile-dir", "/nowhere"], ctx);
    expect(result.exitCode).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(message);
  });

  it.each([
    ["EROFS", "read-only file system (EROFS)\n  remount that file system read-write"],
    ["EACCES", "permission denied (EACCES)\n  run it with sudo, or as the directory's owner"],
  ])("says why it cannot write the file (%s), and exits 3", async (code, why) => {
    const ctx = fakeContext({
      ...HEALTHY_NODE,
      files: {
        stat: async () => directory,
        replaceAtomically: async () => {
          throw Object.assign(new Error(code), { code });
        },
      },
    });
    const result = await runHpiamInProcess(["metrics", "--textfile-dir", "/ro"], ctx);
    expect(result.exitCode).toBe(3);
    expect(result.stderr).toBe(`hpiam: cannot write /ro/hpiam.prom: ${why}\n`);
  });

  it("prints the alert rules, and refuses --alert-rules with --textfile-dir", async () => {
    const rules = await runHpiamInProcess(["metrics", "--alert-rules"], fakeContext(HEALTHY_NODE));
    expect(rules).toMatchObject({ exitCode: 0, stdout: ALERT_RULES });
    const both = await runHpiamInProcess(
      ["metrics", "--alert-rules", "--textfile-dir", "/tmp"],
      fakeContext(HEALTHY_NODE),
    );
    expect(both.exitCode).toBe(2);
  });
});

describe("replacing a file atomically", () => {
  it("leaves the new content with exactly the mode asked, whatever the umask, and no temporary file", async () => {
    const dir = await mkdtemp(join(tmpdir(), "hpiam-textfile-"));
    onTestFinished(() => rm(dir, { recursive: true, force: true }));
    const files = createFiles();
    const path = join(dir, "hpiam.prom");
    const umask = process.umask(0o077);
    try {
      await files.replaceAtomically(path, "old\n", 0o644);
      await files.replaceAtomically(path, "new\n", 0o644);
    } finally {
      process.umask(umask);
    }
    expect(await readFile(path, "utf8")).toBe("new\n");
    expect((await stat(path)).mode & 0o777).toBe(0o644);
    expect(await readdir(dir)).toEqual(["hpiam.prom"]);
  });

  it("fails where the directory is not there, leaving nothing behind", async () => {
    const dir = await mkdtemp(join(tmpdir(), "hpiam-textfile-"));
    onTestFinished(() => rm(dir, { recursive: true, force: true }));
    await expect(
      createFiles().replaceAtomically(join(dir, "gone", "x.prom"), "x", 0o644),
    ).rejects.toMatchObject({ code: "ENOENT" });
    expect(await readdir(dir)).toEqual([]);
  });
});
