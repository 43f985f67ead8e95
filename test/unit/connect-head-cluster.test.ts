import { describe, expect, it } from "vitest";
import { connectHead } from "../../src/connect/connect-head";
import type { ClusterDescription } from "../../src/context";
import { failure, fakeContext, type FakeOptions } from "../support/fake-context";
import { memoryFiles } from "../support/memory-files";

const CLUSTER: ClusterDescription = {
  arn: "arn:aws:sagemaker:us-west-2:123456789012:cluster/aa11bbbbb222",
  name: "ml-cluster",
  groups: [{ name: "controller-machine" }, { name: "worker-group-1" }],
};
const TARGET = "sagemaker-cluster:aa11bbbbb222_controller-machine-i-0123456789abcdef0";

function offCluster(extra: FakeOptions = {}) {
  return fakeContext({
    sagemaker: {
      describeCluster: async () => ({ ok: true, value: CLUSTER }),
      listClusterNodes: async () => ({
        ok: true,
        value: [{ groupName: "controller-machine", instanceId: "i-0123456789abcdef0", status: "Running" }],
      }),
    },
    exec: { which: async (tool) => `/usr/local/bin/${tool}` },
    ...extra,
  });
}

describe("connect-head --cluster", () => {
  it("prints the SSM target of the controller node", async () => {
    const result = await connectHead({ cluster: "ml-cluster", print: true }, offCluster());
    expect(result).toMatchObject({ mode: "ssm", target: TARGET, region: "us-west-2", action: "print" });
    expect(result.command).toEqual([
      "aws",
      "ssm",
      "start-session",
      "--target",
      TARGET,
      "--region",
      "us-west-2",
    ]);
  });

  it("says which tool is missing, how to install it, and the command to run", async () => {
    const ctx = offCluster({
      exec: { which: async (tool) => (tool === "aws" ? "/usr/bin/aws" : undefined) },
    });
    const error = await failure(connectHead({ cluster: "ml-cluster" }, ctx));
    expect(error).toMatchObject({ exitCode: 3, code: "missing-session-tools" });
    expect(error.message).toMatch(/^session-manager-plugin is not installed/);
    expect(error.hint).toContain("session-manager-working-with-install-plugin.html");
    expect(error.hint).toContain(`aws ssm start-session --target ${TARGET} --region us-west-2`);
    expect(ctx.ran).toEqual([]);
  });

  it("explains a TargetNotConnected refusal with the `aws configure` cause", async () => {
    const stderrTail = "An error occurred (TargetNotConnected) when calling the StartSession operation: x";
    const ctx = offCluster({
      exec: { which: async (t) => `/bin/${t}`, attachObserved: async () => ({ exitCode: 255, stderrTail }) },
    });
    const result = await connectHead({ cluster: "ml-cluster" }, ctx);
    expect(result).toMatchObject({
      action: "connected",
      exitCode: 255,
      refusal: { kind: "target-not-connected" },
    });
  });

  it("explains an unknown cluster and an unreachable API in one line each", async () => {
    const missing = await failure(connectHead({ cluster: "nope", print: true }, fakeContext()));
    expect(missing).toMatchObject({ exitCode: 3, code: "no-such-cluster" });
    const unreachable = fakeContext({
      sagemaker: {
        describeCluster: async () => ({
          ok: false,
          error: { name: "Error", message: "connect ECONNREFUSED", networkCode: "ECONNREFUSED" },
        }),
      },
    });
    const error = await failure(connectHead({ cluster: "ml-cluster", print: true }, unreachable));
    expect(error.message).toBe("SageMaker DescribeCluster failed: the AWS endpoint could not be reached");
    expect(error.hint).toMatch(/SageMaker API/);
  });

  it("writes an ssh-config entry once, with a backup, and changes nothing the second time", async () => {
    const files = memoryFiles({ "/home/ubuntu/.ssh/config": "Host *\n    ServerAliveInterval 60\n" });
    const ctx = offCluster({ files });
    const first = await connectHead({ cluster: "ml-cluster", sshConfig: true }, ctx);
    expect(first).toMatchObject({
      action: "ssh-config",
      command: ["ssh", "ml-cluster"],
      sshConfig: { change: "added", backup: "/home/ubuntu/.ssh/config.hpiam-backup-20261123T120000Z" },
    });
    const written = files.store.get("/home/ubuntu/.ssh/config") ?? "";
    expect(written).toMatch(
      /^# hpiam connect-head: .*\nHost ml-cluster\n {4}User ubuntu\n {4}ProxyCommand aws ssm/,
    );
    expect(written).toContain("--document-name AWS-StartSSHSession --parameters portNumber=%p");
    expect(written.endsWith("Host *\n    ServerAliveInterval 60\n")).toBe(true);
    const second = await connectHead({ cluster: "ml-cluster", sshConfig: true }, ctx);
    expect(second).toMatchObject({ sshConfig: { change: "unchanged", backup: null } });
    expect(files.store.get("/home/ubuntu/.ssh/config")).toBe(written);
    expect([...files.store.keys()].filter((path) => path.includes("hpiam-backup"))).toHaveLength(1);
  });

  it("keeps every backup when two runs come in one second: the pristine file is never written over", async () => {
    const pristine = "Host *\n    ServerAliveInterval 60\n";
    const files = memoryFiles({ "/home/ubuntu/.ssh/config": pristine });
    const ctx = offCluster({ files });
    const backupOf = async (host: string) => {
      const result = await connectHead({ cluster: "ml-cluster", sshConfig: host }, ctx);
      return "sshConfig" in result ? (result.sshConfig?.backup ?? "") : "";
    };
    const first = await backupOf("one");
    const afterFirst = files.store.get("/home/ubuntu/.ssh/config");
    const second = await backupOf("two");
    expect(first).toBe("/home/ubuntu/.ssh/config.hpiam-backup-20261123T120000Z");
    expect(second).toBe("/home/ubuntu/.ssh/config.hpiam-backup-20261123T120000Z-2");
    expect(files.store.get(first)).toBe(pristine);
    expect(files.store.get(second)).toBe(afterFirst);
  });

  it("refuses (exit 2) to overwrite a Host entry someone else wrote", async () => {
    const files = memoryFiles({ "/home/ubuntu/.ssh/config": "Host ml-cluster\n    HostName 10.0.0.1\n" });
    const error = await failure(
      connectHead({ cluster: "ml-cluster", sshConfig: true }, offCluster({ files })),
    );
    expect(error).toMatchObject({ exitCode: 2, code: "ssh-config-conflict" });
  });
});
