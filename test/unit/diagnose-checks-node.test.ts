import { describe, expect, it } from "vitest";
import { answers, check, fakeNode, nodeIdentity, offNode, proxiedIdentity } from "../support/fake-node";
import { RESOURCE_CONFIG } from "../support/memory-files";

describe("hyperpod-node", () => {
  it("skips off HyperPod", async () => {
    expect(await check("hyperpod-node", fakeNode({}, { [RESOURCE_CONFIG]: undefined }))).toMatchObject({
      status: "skip",
      message: `not a HyperPod node (no ${RESOURCE_CONFIG})`,
    });
  });

  it("names the cluster, this node's group, instance and role", async () => {
    expect(await check("hyperpod-node", fakeNode())).toMatchObject({
      status: "pass",
      message:
        "cluster ml-cluster: worker-group-1-1 (i-0123456789abcdef2), compute node; controller 10.1.10.10",
      details: {
        clusterArn: "arn:aws:sagemaker:us-west-2:123456789012:cluster/aa11bbbbb222",
        role: "compute",
      },
    });
  });

  it("warns when this instance is not in the file (stale after scaling)", async () => {
    const ctx = fakeNode({
      instanceProfile: { reachable: true, roleName: "ExecRole", instanceId: "i-0fffffffffffffff0" },
    });
    expect(await check("hyperpod-node", ctx)).toMatchObject({
      status: "warn",
      message: expect.stringMatching(/may be stale/),
    });
  });

  it("fails on a malformed file, saying where", async () => {
    expect(
      await check("hyperpod-node", fakeNode({}, { [RESOURCE_CONFIG]: '{"InstanceGroups": 3}' })),
    ).toMatchObject({
      status: "fail",
      message: expect.stringMatching(/InstanceGroups is missing or not a list/),
    });
  });
});

describe("instance-profile", () => {
  it("skips off EC2 and fails on a HyperPod node whose IMDS does not answer", async () => {
    expect(
      await check("instance-profile", fakeNode(offNode, { [RESOURCE_CONFIG]: undefined })),
    ).toMatchObject({
      status: "skip",
      message: "no instance metadata service here (connection refused)",
    });
    expect((await check("instance-profile", fakeNode(offNode))).status).toBe("fail");
  });

  it("passes a non-root user's downgraded role from a local IMDS proxy, and warns root, who bypasses it", async () => {
    expect(await check("instance-profile", fakeNode({ identification: proxiedIdentity }))).toMatchObject({
      status: "pass",
      message: expect.stringMatching(
        /serves this user the downgraded role ImdsProxyTestRole: a local IMDS proxy for non-root users, on purpose$/,
      ),
    });
    expect(
      await check("instance-profile", fakeNode({ identification: proxiedIdentity, uid: 0 })),
    ).toMatchObject({
      status: "warn",
      message: expect.stringMatching(
        /keys sign as ImdsProxyTestRole: a local IMDS proxy may serve a downgraded role/,
      ),
    });
  });
});

describe("ssm-agent", () => {
  it("passes the snap's unit when the deb's is not there", async () => {
    const run = answers({
      "systemctl is-active amazon-ssm-agent": { exitCode: 4, stdout: "inactive" },
      "systemctl is-active snap.amazon-ssm-agent.amazon-ssm-agent": { exitCode: 0, stdout: "active" },
    });
    expect(await check("ssm-agent", fakeNode({ exec: { run } }))).toMatchObject({
      status: "pass",
      message: expect.stringMatching(
        /^snap\.amazon-ssm-agent\.amazon-ssm-agent is active \(identity unknown: no /,
      ),
      details: {
        identityType: null,
        version: null,
        identityUnknown: expect.stringContaining("identity_config.json"),
      },
    });
  });

  it("reports the identity the agent recorded, its Profile settings and its version", async () => {
    const run = answers({ "amazon-ssm-agent --version": { stdout: "SSM Agent version: 3.2.1377.0\n" } });
    const files = {
      "/var/lib/amazon/ssm/runtimeconfig/identity_config.json": JSON.stringify({
        IdentityType: "OnPrem",
        ShareFile: "/root/.aws/credentials",
        ShareProfile: "",
        CredentialSource: "SSM",
        InstanceId: "mi-0123456789abcdef0",
      }),
      "/etc/amazon/ssm/amazon-ssm-agent.json": JSON.stringify({
        Profile: { ShareCreds: true, ShareProfile: "" },
      }),
    };
    expect(await check("ssm-agent", fakeNode({ exec: { run } }, files))).toMatchObject({
      status: "pass",
      message:
        "amazon-ssm-agent is active (agent 3.2.1377.0, OnPrem identity sharing its credentials in /root/.aws/credentials [default])",
      details: {
        identityType: "OnPrem",
        credentialSource: "SSM",
        shareFile: "/root/.aws/credentials",
        shareProfile: "default",
        shareCreds: true,
        version: "3.2.1377.0",
      },
    });
  });

  it("skips off HyperPod and where systemd cannot answer", async () => {
    expect((await check("ssm-agent", fakeNode({}, { [RESOURCE_CONFIG]: undefined }))).status).toBe("skip");
    const noSystemd = answers({
      "systemctl is-active amazon-ssm-agent": {
        exitCode: 1,
        stderr: "System has not been booted with systemd",
      },
    });
    expect(await check("ssm-agent", fakeNode({ exec: { run: noSystemd } }))).toMatchObject({
      status: "skip",
      message: "systemctl cannot answer (System has not been booted with systemd)",
    });
  });
});

describe("clock-skew", () => {
  const at = (iso: string) => fakeNode({ now: new Date(iso) });

  it.each([
    ["2026-11-23T12:00:20Z", "pass"],
    ["2026-11-23T12:02:00Z", "warn"],
    ["2026-11-23T11:50:00Z", "fail"],
  ])("compares the clock (%s) with STS's Date: %s", async (now, status) => {
    expect((await check("clock-skew", at(now))).status).toBe(status);
  });

  it("says ahead or behind, and skips when no answer carried a date", async () => {
    expect((await check("clock-skew", at("2026-11-23T11:50:00Z"))).message).toMatch(
      /^the clock is 600 s behind AWS/,
    );
    const undated = fakeNode({ identification: { ...nodeIdentity, serverDate: undefined } });
    expect((await check("clock-skew", undated)).status).toBe("skip");
  });
});

describe("shared-home", () => {
  it("warns when the home is on a shared filesystem, naming it", async () => {
    const mounts =
      "/dev/nvme0n1p1 / ext4 rw 0 0\nfs-1.fsx.us-west-2.amazonaws.com@tcp:/abcd /home lustre rw 0 0\n";
    expect(await check("shared-home", fakeNode({}, { "/proc/mounts": mounts }))).toMatchObject({
      status: "warn",
      message:
        "/home/ubuntu is on lustre (fs-1.fsx.us-west-2.amazonaws.com@tcp:/abcd at /home): credentials written there reach every node that mounts it",
    });
  });

  it("reads HPIAM_PROC_MOUNTS instead of /proc/mounts", async () => {
    const ctx = fakeNode(
      { env: { HPIAM_PROC_MOUNTS: "/tmp/mounts" } },
      { "/tmp/mounts": "server:/export /home nfs4 rw 0 0\n" },
    );
    expect(await check("shared-home", ctx)).toMatchObject({
      status: "warn",
      details: { fsType: "nfs4", shared: true },
    });
  });
});
