import { CreateRoleCommand, IAMClient } from "@aws-sdk/client-iam";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import type { DiagnoseResult } from "../../src/commands/diagnose";
import { appendFile, chmod, mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ACCOUNT,
  EXECUTION_ROLE,
  EXECUTION_TRUST,
  LEAKED_USER,
  motoAdmin,
  REGION,
} from "../support/aws-world";
import { diagnoseReport } from "../support/diagnose-report";
import { type FakeImds, startImds, startScriptedEndpoint } from "../support/imds";
import {
  expectNoSecrets,
  leakedCredentials,
  type SimulatedNode,
  useSimulatedNode,
} from "../support/simulated-node";

const ALL_CHECKS = [
  "hyperpod-node",
  "caller-identity",
  "credential-source",
  "instance-profile",
  "aws-files",
  "environment",
  "root-credentials",
  "other-users",
  "shared-home",
  "imds-proxy",
  "ssm-agent",
  "clock-skew",
];

const PROXY_ROLE = "ImdsProxyTestRole";

/** This checks, in report order (the IAM checks, execution-role and ssm-access, come after them). */
function expectEveryCheck(doc: DiagnoseResult): void {
  expect(doc.checks.map((c) => c.id).slice(0, ALL_CHECKS.length)).toEqual(ALL_CHECKS);
}

async function diagnose(node: SimulatedNode, args: string[] = [], env: Record<string, string> = {}) {
  const result = await node.hpiam(["diagnose", "--json", ...args], env);
  return diagnoseReport(result);
}

describe("hpiam diagnose on a simulated HyperPod node", () => {
  const node = useSimulatedNode();

  it("reports a healthy node: every check present, the cluster named, exit 0", async () => {
    const { exitCode, doc, check, result } = await diagnose(node);
    expect(exitCode).toBe(0);
    expect(doc.schemaVersion).toBe(1);
    expectEveryCheck(doc);
    expect(doc.summary).toMatchObject({ status: "healthy", fail: 0, error: 0 });
    for (const c of doc.checks) {
      expect(Object.keys(c).sort()).toEqual(["details", "id", "message", "remediation", "status", "title"]);
    }
    expect(check("hyperpod-node")).toMatchObject({
      status: "pass",
      message: expect.stringContaining("ml-cluster"),
    });
    expect(doc.node).toMatchObject({
      cluster: "ml-cluster",
      clusterId: "aa11bbbbb222",
      group: "worker-group-1",
      instanceId: node.instanceId,
      role: "compute",
      controllerAddress: "10.1.10.10",
    });
    expect(check("caller-identity").message).toBe(
      `arn:aws:sts::${ACCOUNT}:assumed-role/${EXECUTION_ROLE}/SageMaker`,
    );
    expect(check("credential-source")).toMatchObject({
      status: "pass",
      details: { provider: "instance-metadata" },
    });
    expect(check("instance-profile").status).toBe("pass");
    expect(check("root-credentials")).toMatchObject({
      status: "pass",
      message: expect.stringContaining(node.sandbox.rootHome),
    });
    expect(check("other-users").status).toBe("skip");
    expect(check("imds-proxy").status).toBe("pass");
    expect(check("ssm-agent").status).toBe("pass");
    expect(check("clock-skew").status).toBe("pass");
    expectNoSecrets(node, result);
  });

  it("prints a table, then the summary line last", async () => {
    const result = await node.hpiam(["diagnose"]);
    expect(result.exitCode).toBe(0);
    const lines = result.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(
      /^✔ hyperpod-node +cluster ml-cluster: worker-group-1-1 \(i-\w+\), compute node/,
    );
    expect(lines.at(-1)).toMatch(/^✔ healthy {2}\d+ pass/);
    expect(result.stdout).not.toContain("to fix");
  });

  it("runs only the checks --checks names, in report order", async () => {
    const { doc } = await diagnose(node, ["--checks", "clock-skew,hyperpod-node"]);
    expect(doc.checks.map((c) => c.id)).toEqual(["hyperpod-node", "clock-skew"]);
  });

  it("refuses an unknown check id with exit 2, listing the valid ones", async () => {
    const result = await node.hpiam(["diagnose", "--checks", "aws-files,bogus"]);
    expect(result.exitCode).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(/unknown check id bogus/);
    expect(result.stderr).toContain(ALL_CHECKS.join(", "));
  });

  it("fails ssm-agent when the agent is not running", async () => {
    const { exitCode, check } = await diagnose(node, ["--checks", "ssm-agent"], {
      STUB_SYSTEMCTL_OUTPUT: "inactive\n",
      STUB_SYSTEMCTL_EXIT: "3",
    });
    expect(exitCode).toBe(1);
    expect(check("ssm-agent")).toMatchObject({
      status: "fail",
      message: expect.stringMatching(/not running .*cannot be reached over SSM/),
      remediation: "sudo systemctl restart amazon-ssm-agent",
    });
  });

  it("warns that a home on Lustre shares its credentials with every node", async () => {
    const mounts = join(node.sandbox.root, "mounts");
    await writeFile(
      mounts,
      `/dev/nvme0n1p1 / ext4 rw 0 0\nfs-0123456789abcdef0.fsx.us-west-2.amazonaws.com@tcp:/abcdefgh ${node.sandbox.root}/home lustre rw,flock 0 0\n`,
    );
    const { exitCode, check } = await diagnose(node, [], { HPIAM_PROC_MOUNTS: mounts });
    expect(exitCode).toBe(0);
    expect(check("shared-home")).toMatchObject({
      status: "warn",
      message: expect.stringMatching(/is on lustre .* reach every node that mounts it/),
      details: { fsType: "lustre", mountPoint: `${node.sandbox.root}/home`, shared: true },
    });
  });

  it("scans every user's home with --all-users (as root)", async () => {
    await mkdir(join(node.sandbox.aliceHome, ".aws"));
    await writeFile(join(node.sandbox.aliceHome, ".aws", "credentials"), leakedCredentials(node), {
      mode: 0o600,
    });
    const { exitCode, check, result } = await diagnose(node, ["--all-users"]);
    expect(exitCode).toBe(1);
    expect(check("other-users")).toMatchObject({
      status: "fail",
      message: expect.stringMatching(
        /^alice: static keys \(AKIA…\w{4}\) in .*alice\/\.aws\/credentials \[default\]/,
      ),
      remediation: "sudo hpiam recover --all-users",
    });
    expectNoSecrets(node, result);
  });

  it("after `aws configure` and an export in ~/.bashrc: fails, names file and line, prints no secret", async () => {
    await node.runAwsConfigure();
    const bashrc = join(node.sandbox.home, ".bashrc");
    await appendFile(
      bashrc,
      `alias ll='ls -l'\nexport AWS_SECRET_ACCESS_KEY=${node.world.leakedKey.secretAccessKey}\n`,
    );
    const { exitCode, doc, check, result } = await diagnose(node);
    expect(exitCode).toBe(1);
    expect(doc.summary.status).toBe("unhealthy");
    expect(check("aws-files")).toMatchObject({
      status: "fail",
      message: expect.stringMatching(
        /static keys \(AKIA…\w{4}\) in .*\.aws\/credentials \[default\] override/,
      ),
      remediation: "hpiam recover",
    });
    expect(check("credential-source")).toMatchObject({
      status: "fail",
      details: { provider: "shared-credentials-file", profile: "default" },
      remediation: "hpiam recover",
    });
    expect(check("caller-identity").message).toContain(`user/${LEAKED_USER}`);
    expect(check("environment")).toMatchObject({
      status: "fail",
      message: `AWS_SECRET_ACCESS_KEY at ${bashrc}:2`,
      remediation: `sed -i -e '2d' ${bashrc}`,
      details: { startupLines: [{ path: bashrc, line: 2, variable: "AWS_SECRET_ACCESS_KEY" }] },
    });

    const human = await node.hpiam(["diagnose"]);
    expect(human.exitCode).toBe(1);
    const [table = "", fixes = "", summary = ""] = human.stdout.trimEnd().split("\n\n");
    expect(table).toMatch(/^✖ aws-files +static keys/m);
    expect(fixes.split("\n")).toEqual([
      "to fix",
      expect.stringMatching(/^ {2}✖ credential-source +hpiam recover$/),
      expect.stringMatching(/^ {2}✖ aws-files +hpiam recover$/),
      expect.stringMatching(/^ {2}✖ environment +sed -i -e '2d' .*\.bashrc$/),
    ]);
    expect(summary).toMatch(/^✖ unhealthy {2}\d+ pass, (\d+ warn, )?3 fail/);
    expect(human.stdout).not.toContain(node.world.leakedKey.accessKeyId);
    expectNoSecrets(node, result, human);
  });

  it("fails root-credentials when root has keys: the SSM agent may sign with them", async () => {
    await mkdir(join(node.sandbox.rootHome, ".aws"));
    await writeFile(join(node.sandbox.rootHome, ".aws", "credentials"), leakedCredentials(node), {
      mode: 0o600,
    });
    const { check, result } = await diagnose(node, ["--checks", "root-credentials"]);
    expect(check("root-credentials")).toMatchObject({
      status: "fail",
      message: expect.stringContaining("the SSM agent runs as root and may sign with them"),
      remediation: expect.stringMatching(
        /^sudo hpiam recover --user root; .*aws iam attach-user-policy --user-name <IAM-USER> --policy-arn arn:aws:iam::aws:policy\/AmazonSSMManagedInstanceCore$/,
      ),
    });
    expectNoSecrets(node, result);
  });
});

describe("hpiam diagnose with the seed 002 IMDS proxy, as root and as a non-root user", () => {
  const node = useSimulatedNode();
  let proxy: FakeImds;
  beforeAll(async () => {
    // The downgraded role the proxy serves to non-root users, as seed 002 sets it up.
    const admin = motoAdmin(node.env.AWS_ENDPOINT_URL);
    const iam = new IAMClient(admin);
    const sts = new STSClient(admin);
    const role = await iam.send(
      new CreateRoleCommand({
        RoleName: PROXY_ROLE,
        AssumeRolePolicyDocument: JSON.stringify(EXECUTION_TRUST),
      }),
    );
    const { Credentials: c } = await sts.send(
      new AssumeRoleCommand({ RoleArn: role.Role?.Arn ?? "", RoleSessionName: "test-session" }),
    );
    iam.destroy();
    sts.destroy();
    proxy = await startImds({
      roleName: PROXY_ROLE,
      credentials: {
        AccessKeyId: c?.AccessKeyId ?? "",
        SecretAccessKey: c?.SecretAccessKey ?? "",
        SessionToken: c?.SessionToken ?? "",
      },
      instanceId: node.instanceId,
      region: REGION,
    });
    // Readable by an ordinary user, as a node's homes and stub log are.
    await chmod(node.sandbox.root, 0o755);
    await chmod(node.env.HPIAM_STUB_LOG ?? "", 0o666);
  });
  afterAll(async () => {
    await proxy?.stop();
  });

  const proxyRules = () => {
    const port = new URL(proxy.endpoint).port;
    return [
      "*nat",
      ":OUTPUT ACCEPT [0:0]",
      `-A OUTPUT -d 169.254.169.254/32 -p tcp -m owner ! --uid-owner 0 -m tcp --dport 80 -j DNAT --to-destination 127.0.0.1:${port}`,
      "-A OUTPUT -d 169.254.169.254/32 -p tcp -m owner --uid-owner 0 -m tcp --dport 80 -j DNAT --to-destination 169.254.0.2:9081",
      "COMMIT",
      "*filter",
      "-A OUTPUT -d 169.254.0.2/32 -p tcp -m owner ! --uid-owner 0 -m tcp --dport 9081 -j DROP",
      "COMMIT",
    ].join("\n");
  };

  /** The built CLI as `nobody`: what a cluster user without sudo sees. */
  const asNobody = (args: string[], env: Record<string, string> = {}) =>
    node.hpiam(["diagnose", ...args], env, { asNobody: true });

  it("as root, explains the proxy: non-root users get the downgraded role on purpose", async () => {
    const { exitCode, check, result } = await diagnose(node, [], { FAKE_IPTABLES_SAVE: proxyRules() });
    expect(exitCode).toBe(0);
    expect(check("imds-proxy")).toMatchObject({
      status: "pass",
      message: expect.stringMatching(
        new RegExp(
          `non-root users get ${PROXY_ROLE} from 127\\.0\\.0\\.1:\\d+ on purpose; root keeps ${EXECUTION_ROLE}`,
        ),
      ),
      details: { setup: "proxy", directAccessBlocked: true, proxyRole: PROXY_ROLE },
    });
    expect(check("instance-profile").status).toBe("pass");
    expectNoSecrets(node, result);
  });

  it("as root, warns when non-root users can still reach the role agent directly", async () => {
    const rules = proxyRules().replace(/^-A OUTPUT -d 169\.254\.0\.2.*$/m, "");
    const { check } = await diagnose(node, ["--checks", "imds-proxy"], { FAKE_IPTABLES_SAVE: rules });
    expect(check("imds-proxy")).toMatchObject({
      status: "warn",
      remediation:
        "sudo iptables -A OUTPUT -d 169.254.0.2 -p tcp --dport 9081 -m owner ! --uid-owner 0 -j DROP",
    });
  });

  it("as a non-root user, skips the root-only checks with 'run with sudo' and stays healthy", async () => {
    const result = await asNobody(["--json"]);
    const { exitCode, doc, check } = diagnoseReport(result);
    expect(exitCode).toBe(0);
    expectEveryCheck(doc);
    expect(check("root-credentials")).toMatchObject({ status: "skip", message: "needs root: run with sudo" });
    expect(check("imds-proxy")).toMatchObject({
      status: "skip",
      message: "needs root to read iptables: run with sudo",
    });
    expect(check("caller-identity").message).toContain(`assumed-role/${EXECUTION_ROLE}/SageMaker`);
    expectNoSecrets(node, result);
  });

  it("as a non-root user behind the proxy, takes the downgraded role for what it is", async () => {
    // What the iptables redirect does for non-root users: their IMDS is the proxy.
    const result = await asNobody(["--json"], { AWS_EC2_METADATA_SERVICE_ENDPOINT: proxy.endpoint });
    const { exitCode, check } = diagnoseReport(result);
    expect(exitCode).toBe(0);
    expect(check("caller-identity").message).toContain(`assumed-role/${PROXY_ROLE}/test-session`);
    expect(check("credential-source").status).toBe("pass");
    expect(check("instance-profile")).toMatchObject({
      status: "pass",
      message: `role ${PROXY_ROLE}, the identity in use`,
    });
    expect(check("imds-proxy")).toMatchObject({
      status: "skip",
      message: expect.stringMatching(
        new RegExp(
          `session test-session, not HyperPod's SageMaker: a local IMDS proxy may give non-root users ${PROXY_ROLE} on purpose`,
        ),
      ),
    });
    expectNoSecrets(node, result);
  });

  it("refuses --all-users without root (exit 2)", async () => {
    const result = await asNobody(["--all-users"]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/--all-users needs root/);
  });
});

describe("hpiam diagnose off a node and with a hanging IMDS", () => {
  const node = useSimulatedNode();
  it("off a node (no IMDS, no resource_config.json): hyperpod-node skips, the JSON answer comes", async () => {
    const { doc, check } = await diagnose(node, [], {
      AWS_EC2_METADATA_SERVICE_ENDPOINT: "http://127.0.0.1:9",
      HPIAM_RESOURCE_CONFIG: join(node.sandbox.root, "nowhere", "resource_config.json"),
    });
    expectEveryCheck(doc);
    expect(check("hyperpod-node")).toMatchObject({
      status: "skip",
      message: expect.stringMatching(/^not a HyperPod node/),
    });
    expect(doc.node).toBeNull();
    expect(check("instance-profile").status).toBe("skip");
    expect(check("ssm-agent").status).toBe("skip");
    expect(check("caller-identity")).toMatchObject({ status: "fail", message: "no AWS credentials found" });
  });

  it("still reports, within 10 s, when IMDS accepts connections and never answers", async () => {
    const imds = await startScriptedEndpoint({ hang: true });
    try {
      const started = Date.now();
      const { exitCode, doc, check } = await diagnose(node, [], {
        AWS_EC2_METADATA_SERVICE_ENDPOINT: imds.endpoint,
      });
      // The contract of SPEC.md: the report is bounded even when an endpoint hangs.
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(exitCode).toBe(1);
      expectEveryCheck(doc);
      expect(["fail", "error"]).toContain(check("instance-profile").status);
      expect(check("hyperpod-node").message).toContain("ml-cluster");
    } finally {
      await imds.stop();
    }
  });
});
