import { execa } from "execa";
import { mkdir, mkdtemp, readdir, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CloudWatchClient, GetMetricDataCommand, ListMetricsCommand } from "@aws-sdk/client-cloudwatch";
import { LEAKED_USER, motoAdmin } from "../support/aws-world";
import { runHpiam } from "../support/cli";
import { missingPaths, requireDebianPackages } from "../support/processes";
import { expectCalm, useSimulatedNode } from "../support/simulated-node";

const SYSTEMD_ANALYZE = "/usr/bin/systemd-analyze";

describe("hpiam metrics --install", () => {
  let dir: string;
  let unitDir: string;
  beforeAll(async () => {
    await requireDebianPackages(["systemd"], missingPaths(SYSTEMD_ANALYZE));
    dir = await mkdtemp(join(tmpdir(), "hpiam-install-"));
    unitDir = join(dir, "units");
    await mkdir(unitDir);
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });
  /** The built CLI as root runs it from a script: no terminal, nothing inherited. */
  const hpiam = (args: string[]) =>
    runHpiam(["metrics", "--install", ...args], { PATH: process.env.PATH ?? "", HOME: dir, NO_COLOR: "1" });

  it("writes a service and a timer that systemd-analyze verify passes, and prints the line that starts them", async () => {
    const textfileDir = join(dir, "textfile");
    const result = await hpiam([
      "--unit-dir",
      unitDir,
      "--textfile-dir",
      textfileDir,
      "--interval",
      "2min",
      "--cloudwatch",
      "--yes",
    ]);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toContain("systemctl daemon-reload && systemctl enable --now hpiam-metrics.timer");
    const units = ["hpiam-metrics.service", "hpiam-metrics.timer"].map((name) => join(unitDir, name));
    for (const unit of units) expect((await stat(unit)).mode & 0o777).toBe(0o644);
    expect((await stat(textfileDir)).isDirectory()).toBe(true);
    const service = await readFile(units[0] ?? "", "utf8");
    expect(service).toMatch(/^ExecStart=\S+ \S+bin\/hpiam\.js metrics --textfile-dir \S+ --cloudwatch$/m);

    // Without a running systemd (a container): no man pages to look up; ExecStart's program must exist.
    const verify = await execa(SYSTEMD_ANALYZE, ["verify", "--man=no", ...units], { reject: false });
    expect(verify.stderr).toBe("");
    expect(verify.exitCode).toBe(0);
  });

  it("replaces the units only with consent, keeping the old ones beside them", async () => {
    const again = await hpiam(["--unit-dir", unitDir, "--interval", "10min", "--yes"]);
    expect(again.exitCode, again.stderr).toBe(0);
    expect(again.stdout).toMatch(
      /replaced .*hpiam-metrics\.timer \(the old one is now .*hpiam-metrics\.timer\.hpiam-backup-\d{8}T\d{6}Z\)/,
    );
    expect(await readFile(join(unitDir, "hpiam-metrics.timer"), "utf8")).toContain("OnUnitActiveSec=10min");
  });

  it("without --yes and without a terminal, refuses (exit 2) and writes nothing", async () => {
    const empty = join(dir, "empty");
    await mkdir(empty);
    const textfileDir = join(dir, "never-made");
    const result = await hpiam(["--unit-dir", empty, "--textfile-dir", textfileDir]);
    expect(result.exitCode).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toBe(
      "hpiam: no terminal to ask at: refusing to write systemd units without --yes\n  Add --yes to write them: hpiam metrics --install --yes",
    );
    expect(await readdir(empty)).toEqual([]);
    await expect(stat(textfileDir)).rejects.toThrow(/ENOENT/);
  });
});

describe("hpiam metrics --cloudwatch on a node whose ~/.aws holds an IAM user's key", () => {
  const recording = join(tmpdir(), `hpiam-moto-requests-${process.pid}.jsonl`);
  const node = useSimulatedNode({ moto: { recording } });
  afterAll(async () => {
    await rm(recording, { force: true });
  });

  /** The key id that signed each PutMetricData moto got (the Authorization header's `Credential=KEY/…`). */
  async function putMetricDataSigners(): Promise<string[]> {
    const lines = (await readFile(recording, "utf8")).split("\n").filter(Boolean);
    return lines
      .map((line) => JSON.parse(line) as { headers: Record<string, string> })
      .filter((request) => request.headers["X-Amz-Target"]?.endsWith(".PutMetricData"))
      .map(
        (request) => /Credential=([^/]+)\//.exec(request.headers.Authorization ?? "")?.[1] ?? "(unsigned)",
      );
  }

  it("publishes NodeHealthy 0 and the failing checks, signed with the instance role's key, not the user's", async () => {
    await node.runAwsConfigure();
    // What every AWS tool on the node signs with now: the stray user.
    const chain = await node.aws(["sts", "get-caller-identity", "--query", "Arn", "--output", "text"]);
    expect(chain.stdout.trim()).toMatch(new RegExp(`:user/${LEAKED_USER}$`));

    const result = await node.hpiam(["metrics", "--cloudwatch"]);
    expectCalm(node, result);
    // Whatever the report's own code: not the failed publish's 3, and nothing said about CloudWatch.
    expect(result.exitCode, result.stderr).not.toBe(3);
    expect(result.stderr).not.toMatch(/CloudWatch/);

    expect(await putMetricDataSigners()).toEqual([node.world.nodeCredentials.AccessKeyId]);
    const cloudwatch = new CloudWatchClient(motoAdmin(node.env.AWS_ENDPOINT_URL));
    try {
      const dimensions = [
        { Name: "ClusterName", Value: "ml-cluster" },
        { Name: "InstanceId", Value: node.instanceId },
      ];
      const listed = await cloudwatch.send(new ListMetricsCommand({ Namespace: "HyperPod/NodeIdentity" }));
      expect(listed.Metrics?.map((m) => [m.MetricName, m.Dimensions]).sort()).toEqual([
        ["FailingChecks", dimensions],
        ["NodeHealthy", dimensions],
      ]);
      const now = Date.now();
      const values = await cloudwatch.send(
        new GetMetricDataCommand({
          StartTime: new Date(now - 600_000),
          EndTime: new Date(now + 60_000),
          MetricDataQueries: ["NodeHealthy", "FailingChecks"].map((name) => ({
            Id: name.toLowerCase(),
            MetricStat: {
              Metric: { Namespace: "HyperPod/NodeIdentity", MetricName: name, Dimensions: dimensions },
              Period: 60,
              Stat: "Maximum",
            },
          })),
        }),
      );
      const [healthy, failing] = values.MetricDataResults ?? [];
      expect(healthy?.Values).toEqual([0]);
      // credential-source fails, and the IAM user's key fails the caller-identity check too.
      expect(failing?.Values?.[0]).toBeGreaterThanOrEqual(1);
    } finally {
      cloudwatch.destroy();
    }
  });

  it("refuses a FIFO where the config file should be instead of hanging on it", async () => {
    const config = join(node.sandbox.home, ".aws", "config");
    await mkdir(dirname(config), { recursive: true });
    await rm(config, { force: true });
    await execa("mkfifo", [config]);
    try {
      const result = await node.hpiam(["metrics", "--cloudwatch"]);
      expectCalm(node, result);
      expect(result.exitCode).toBe(3);
      expect(result.stderr).toContain(
        `hpiam: CloudWatch PutMetricData failed: the AWS call failed: ${config} is not a regular file`,
      );
    } finally {
      await rm(config, { force: true });
    }
  });

  it("a publish that fails is one line and its hint on stderr, exit 3; the metrics are printed all the same", async () => {
    const closed = "http://127.0.0.1:9"; // discard: nothing listens there
    const result = await node.hpiam(["metrics", "--cloudwatch"], { AWS_ENDPOINT_URL_CLOUDWATCH: closed });
    expectCalm(node, result);
    expect(result.exitCode).toBe(3);
    expect(result.stderr.split("\n")).toEqual([
      "hpiam: CloudWatch PutMetricData failed: the AWS endpoint could not be reached",
      "  Check network access to CloudWatch in us-west-2 (proxy, VPC endpoint, AWS_ENDPOINT_URL).",
    ]);
    expect(result.stdout).toMatch(/^hpiam_node_healthy [01]$/m);
  });
});
