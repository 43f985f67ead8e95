import { describe, expect, it } from "vitest";
import { diagnose } from "../../src/commands/diagnose";
import type { Context, RunResult } from "../../src/context";
import { CannotRunError } from "../../src/errors";
import type { FakeOptions } from "../support/fake-context";
import { fakeNode, nodeIdentity, RESOURCE_CONFIG } from "../support/fake-node";

async function check(id: string, ctx: Context, options = {}) {
  const result = await diagnose({ ...options, checks: id }, ctx);
  const found = result.checks[0];
  if (!found) throw new Error(`no ${id} in the report`);
  return found;
}

const answers =
  (table: Record<string, Partial<RunResult>>) =>
  async (argv: readonly string[]): Promise<RunResult> => ({
    exitCode: 0,
    stdout: "",
    stderr: "",
    timedOut: false,
    ...table[argv.join(" ")],
  });

const offNode: FakeOptions = {
  instanceProfile: { reachable: false, error: "connect ECONNREFUSED 169.254.169.254:80" },
};
const userKeys = {
  credentials: {
    accessKeyId: "AKIAIOSFODNN7EXAMPLE",
    features: ["CREDENTIALS_PROFILE"],
    hasSessionToken: false,
  },
  identity: { account: "123456789012", arn: "arn:aws:iam::123456789012:user/alice", userId: "AIDAEXAMPLE" },
};

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

describe("caller-identity and credential-source", () => {
  it("classifies STS failures: throttling warns, a deleted key fails with its fix", async () => {
    const throttled = fakeNode({
      identification: {
        ...userKeys,
        identity: undefined,
        stsError: { name: "Throttling", message: "slow down" },
      },
    });
    expect((await check("caller-identity", throttled)).status).toBe("warn");
    const invalid = fakeNode({
      identification: {
        ...userKeys,
        identity: undefined,
        stsError: { name: "InvalidClientTokenId", message: "no" },
      },
    });
    expect(await check("caller-identity", invalid)).toMatchObject({
      status: "fail",
      message: expect.stringMatching(/not valid/),
      remediation: expect.stringContaining("hpiam recover"),
    });
  });

  it("fails keys from the environment on a node, with the unset command", async () => {
    const ctx = fakeNode({
      env: { AWS_ACCESS_KEY_ID: "AKIAIOSFODNN7EXAMPLE", AWS_SECRET_ACCESS_KEY: "s" },
      identification: {
        ...userKeys,
        credentials: { ...userKeys.credentials, features: ["CREDENTIALS_ENV_VARS"] },
      },
    });
    expect(await check("credential-source", ctx)).toMatchObject({
      status: "fail",
      message: "AWS_ACCESS_KEY_ID in the environment (AKIA…MPLE, long-term) overrides the instance profile",
      remediation: expect.stringMatching(/^unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY/),
    });
  });

  it("passes local keys off a node: there is no instance profile to override", async () => {
    const ctx = fakeNode(
      {
        ...offNode,
        identification: userKeys,
        sharedFiles: { credentials: { default: { aws_access_key_id: "AKIAIOSFODNN7EXAMPLE" } } },
      },
      { [RESOURCE_CONFIG]: undefined },
    );
    expect(await check("credential-source", ctx)).toMatchObject({
      status: "pass",
      message: expect.stringMatching(/no instance profile here/),
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

  it("does not fail when IMDS lists one role and serves another's keys (a seed 002 proxy)", async () => {
    const ctx = fakeNode({
      identification: {
        ...nodeIdentity,
        identity: {
          account: "1",
          arn: "arn:aws:sts::123456789012:assumed-role/ImdsProxyTestRole/test-session",
          userId: "x",
        },
      },
    });
    expect(await check("instance-profile", ctx)).toMatchObject({
      status: "warn",
      message: expect.stringMatching(
        /keys sign as ImdsProxyTestRole: a local IMDS proxy may serve a downgraded role/,
      ),
    });
  });
});

describe("environment", () => {
  it("warns about a profile choice but fails keys on a node; off a node keys pass", async () => {
    expect((await check("environment", fakeNode({ env: { AWS_PROFILE: "dev" } }))).status).toBe("warn");
    expect((await check("environment", fakeNode({ env: { AWS_SESSION_TOKEN: "t" } }))).status).toBe("fail");
    const laptop = fakeNode(
      { ...offNode, env: { AWS_ACCESS_KEY_ID: "k" } },
      { [RESOURCE_CONFIG]: undefined },
    );
    expect(await check("environment", laptop)).toMatchObject({ status: "pass", remediation: null });
  });

  it("names every export line by file and line, with one sed per file", async () => {
    const ctx = fakeNode(
      {},
      {
        "/home/ubuntu/.profile":
          "PATH=$PATH:~/bin\nexport AWS_ACCESS_KEY_ID=AKIAX\nexport AWS_SECRET_ACCESS_KEY=zz\n",
      },
    );
    expect(await check("environment", ctx)).toMatchObject({
      status: "fail",
      message:
        "AWS_ACCESS_KEY_ID at /home/ubuntu/.profile:2, AWS_SECRET_ACCESS_KEY at /home/ubuntu/.profile:3",
      remediation: "sed -i -e '2d' -e '3d' /home/ubuntu/.profile",
    });
  });
});

describe("aws-files", () => {
  const configured = (mode = 0o600) =>
    fakeNode({
      sharedFiles: {
        credentials: {
          default: { aws_access_key_id: "AKIAIOSFODNN7EXAMPLE" },
          old: { aws_access_key_id: "AKIAOLDOLDOLDOLDOLD1" },
        },
      },
      files: {
        ...fakeNode().files,
        lstat: async (path) =>
          path === "/home/ubuntu/.aws"
            ? { kind: "directory", mode: 0o700, uid: 1000, gid: 1000, size: 1 }
            : undefined,
        stat: async (path) =>
          path === "/home/ubuntu/.aws/credentials"
            ? { kind: "file", mode, uid: 1000, gid: 1000, size: 1 }
            : undefined,
        readText: async () => "",
      },
    });

  it("fails the keys of the profile in use, warns about stored ones and a loose mode", async () => {
    const result = await check("aws-files", configured(0o644));
    expect(result).toMatchObject({
      status: "fail",
      message:
        "static keys (AKIA…MPLE) in /home/ubuntu/.aws/credentials [default] override the instance profile (+2 more)",
      remediation: "hpiam recover; chmod 600 /home/ubuntu/.aws/credentials",
    });
    expect(JSON.stringify(result)).not.toContain("AKIAIOSFODNN7EXAMPLE");
  });
});

describe("aws-files and a recover lock in the home", () => {
  const LOCK = "/home/ubuntu/.aws.hpiam-lock";
  const BACKUP = "/home/ubuntu/.aws.hpiam-backup-20261123T115900Z";
  const holder = { pid: 4321, host: "ip-10-1-20-11", bootId: "boot-1", startedAt: "2026-11-23T11:59:00Z" };

  it("warns about a recover that stopped before it finished, and says where ~/.aws went", async () => {
    const ctx = fakeNode(
      {},
      { [LOCK]: JSON.stringify({ ...holder, moving: BACKUP }), [`${BACKUP}/credentials`]: "" },
    );
    expect(await check("aws-files", ctx)).toMatchObject({
      status: "warn",
      message: `hpiam recover stopped before it finished (pid 4321 on ip-10-1-20-11, 2026-11-23T11:59:00Z); /home/ubuntu/.aws is at ${BACKUP}: run it again to finish (verify, reboot)`,
      remediation: "hpiam recover",
    });
  });

  it("tells a recover still running from one that stopped, and is quiet without a lock", async () => {
    const lock = { [LOCK]: JSON.stringify(holder) };
    expect(
      await check("aws-files", fakeNode({ host: { alive: (pid) => pid === 4321 } }, lock)),
    ).toMatchObject({
      status: "warn",
      message: expect.stringMatching(
        /^hpiam recover is working on \/home\/ubuntu \(pid 4321 .*look again when it is done$/,
      ),
    });
    expect(await check("aws-files", fakeNode())).toMatchObject({ status: "pass" });
  });
});

describe("root-credentials (as root)", () => {
  it("fails root's default keys: the SSM agent may sign with them; names the IAM user on root's own run", async () => {
    const ctx = fakeNode({
      uid: 0,
      users: [{ name: "root", uid: 0, gid: 0, home: "/home/ubuntu", shell: "/bin/bash" }],
      identification: userKeys,
      sharedFiles: { credentials: { default: { aws_access_key_id: "AKIAIOSFODNN7EXAMPLE" } } },
      files: {
        ...fakeNode().files,
        lstat: async (path) =>
          path === "/home/ubuntu/.aws"
            ? { kind: "directory", mode: 0o700, uid: 0, gid: 0, size: 1 }
            : undefined,
        stat: async (path) =>
          path.endsWith("credentials") ? { kind: "file", mode: 0o600, uid: 0, gid: 0, size: 1 } : undefined,
        readText: async () => "",
      },
    });
    expect(await check("root-credentials", ctx)).toMatchObject({
      status: "fail",
      message: expect.stringMatching(
        /the SSM agent runs as root and may sign with them, so the node can drop off SSM$/,
      ),
      remediation:
        "sudo hpiam recover --user root; if the node is already off SSM, an IAM admin runs: aws iam attach-user-policy --user-name alice --policy-arn arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
    });
  });

  it("says run with sudo to a non-root user", async () => {
    expect(await check("root-credentials", fakeNode({ uid: 1000 }))).toMatchObject({
      status: "skip",
      message: "needs root: run with sudo",
    });
  });
});

describe("imds-proxy", () => {
  const PROXY_RULES = [
    "*nat",
    "-A OUTPUT -d 169.254.169.254/32 -p tcp -m owner ! --uid-owner 0 -m tcp --dport 80 -j DNAT --to-destination 127.0.0.1:8080",
    "-A OUTPUT -d 169.254.169.254/32 -p tcp -m owner --uid-owner 0 -m tcp --dport 80 -j DNAT --to-destination 169.254.0.2:9081",
    "COMMIT",
    "*filter",
    "-A OUTPUT -d 169.254.0.2/32 -p tcp -m owner ! --uid-owner 0 -m tcp --dport 9081 -j DROP",
    "COMMIT",
  ].join("\n");

  it("as root, explains the seed 002 proxy and the role it gives non-root users", async () => {
    const ctx = fakeNode({
      uid: 0,
      exec: { run: answers({ "iptables-save": { stdout: PROXY_RULES } }) },
      imdsAt: { "http://127.0.0.1:8080": { reachable: true, roleName: "ImdsProxyTestRole" } },
    });
    expect(await check("imds-proxy", ctx)).toMatchObject({
      status: "pass",
      message:
        "local IMDS proxy (seed 002): non-root users get ImdsProxyTestRole from 127.0.0.1:8080 on purpose; root keeps ExecRole",
    });
  });

  it("as root, fails a redirect to a proxy that does not answer", async () => {
    const ctx = fakeNode({ uid: 0, exec: { run: answers({ "iptables-save": { stdout: PROXY_RULES } }) } });
    expect(await check("imds-proxy", ctx)).toMatchObject({
      status: "fail",
      remediation: "sudo systemctl restart imds-proxy-server",
    });
  });

  it("as root, recognises stock HyperPod and a machine without iptables", async () => {
    const stock =
      "*nat\n-A OUTPUT -d 169.254.169.254/32 -p tcp -m tcp --dport 80 -j DNAT --to-destination 169.254.0.2:9081\nCOMMIT\n";
    const ctx = fakeNode({ uid: 0, exec: { run: answers({ "iptables-save": { stdout: stock } }) } });
    expect(await check("imds-proxy", ctx)).toMatchObject({
      status: "pass",
      message: expect.stringMatching(/^no IMDS proxy/),
    });
    const bare = fakeNode({
      uid: 0,
      exec: {
        run: async () => {
          throw new CannotRunError("`iptables-save` is not installed or not on PATH");
        },
      },
    });
    expect((await check("imds-proxy", bare)).status).toBe("skip");
  });

  it("without root, says a proxy may be in place when IMDS gives a role without the SageMaker session", async () => {
    const ctx = fakeNode({
      uid: 1000,
      identification: {
        ...nodeIdentity,
        identity: {
          account: "1",
          arn: "arn:aws:sts::123456789012:assumed-role/ImdsProxyTestRole/test-session",
          userId: "x",
        },
      },
      instanceProfile: { reachable: true, roleName: "ImdsProxyTestRole", instanceId: "i-0123456789abcdef2" },
    });
    const result = await check("imds-proxy", ctx);
    expect(result).toMatchObject({
      status: "skip",
      message: expect.stringMatching(
        /session test-session, not HyperPod's SageMaker: a local IMDS proxy may give non-root users ImdsProxyTestRole on purpose/,
      ),
    });
    expect(ctx.ran).toEqual([]);
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
      message: "snap.amazon-ssm-agent.amazon-ssm-agent is active",
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
