import { seed002ProxyRules } from "../support/imds";
import { describe, expect, it } from "vitest";
import { CannotRunError } from "../../src/errors";
import { answers, check, fakeNode, userKeys, proxiedIdentity } from "../support/fake-node";

describe("root-credentials (as root)", () => {
  it("fails root's default keys: the SSM agent may sign with them; names the IAM user on root's own run", async () => {
    const ctx = fakeNode({
      uid: 0,
      users: [{ name: "root", uid: 0, gid: 0, home: "/home/ubuntu", shell: "/bin/bash" }],
      identification: userKeys,
      files: {
        ...fakeNode().files,
        lstat: async (path) =>
          path === "/home/ubuntu/.aws"
            ? { kind: "directory", mode: 0o700, uid: 0, gid: 0, size: 1 }
            : undefined,
        stat: async (path) =>
          path.endsWith("credentials") ? { kind: "file", mode: 0o600, uid: 0, gid: 0, size: 1 } : undefined,
        readText: async (path) => {
          if (path.endsWith("/.aws/credentials"))
            return "[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\n";
          throw Object.assign(new Error("ENOENT"), { code: "ENOENT" });
        },
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
  const PROXY_RULES = seed002ProxyRules(8080);

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
      identification: proxiedIdentity,
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
