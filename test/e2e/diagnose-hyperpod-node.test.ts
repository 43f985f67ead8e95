import { appendFile, mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ACCOUNT, EXECUTION_ROLE, LEAKED_USER } from "../support/aws-world";
import { ALL_CHECKS, diagnose, expectEveryCheck } from "../support/diagnose-report";
import { expectNoSecrets, leakedCredentials, useSimulatedNode } from "../support/simulated-node";

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
});
