import { seed002ProxyRules } from "../support/imds";
import { describe, expect, it } from "vitest";
import { CannotRunError } from "../../src/errors";
import { answers, check, fakeNode, userKeys, proxiedIdentity } from "../support/fake-node";
import { memoryFiles } from "../support/memory-files";

describe("root-credentials (as root)", () => {
  const ROOT_HOME = "/home/ubuntu";
  const FILE = `${ROOT_HOME}/.aws/credentials`;
  const IDENTITY_CONFIG = "/var/lib/amazon/ssm/runtimeconfig/identity_config.json";
  /** Root (home /home/ubuntu, so that STS names the key's user) with `keys` in [default], and the agent's files. */
  const rootNode = (keys: string, agentFiles: Record<string, string> = {}, exec = {}) =>
    fakeNode({
      uid: 0,
      users: [{ name: "root", uid: 0, gid: 0, home: ROOT_HOME, shell: "/bin/bash" }],
      identification: userKeys,
      files: memoryFiles({ [FILE]: `[default]\naws_access_key_id = ${keys}\n`, ...agentFiles }),
      exec,
    });
  const identity = (type: string, shareFile: string) =>
    JSON.stringify({ IdentityType: type, ShareFile: shareFile, ShareProfile: "", InstanceId: "mi-1" });

  it("with no agent state: unknown, why, and the IAM user to give SSM access meanwhile", async () => {
    expect(await check("root-credentials", rootNode("AKIAIOSFODNN7EXAMPLE"))).toMatchObject({
      status: "fail",
      message: expect.stringMatching(
        /^static keys \(AKIA…MPLE\) in \/home\/ubuntu\/\.aws\/credentials \[default\]: every command root runs signs with them, and the SSM agent may too, dropping the node off SSM \(its identity is unknown: no \/var\/lib\/amazon\/ssm\/runtimeconfig\/identity_config\.json: /,
      ),
      remediation:
        "sudo hpiam recover --user root, then sudo systemctl restart amazon-ssm-agent; if the node is already off SSM, an IAM admin runs: aws iam attach-user-policy --user-name alice --policy-arn arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
      details: { agentImpact: "unknown" },
    });
  });

  it("OnPrem sharing through root's [default]: agent-connection, and the agent rewrites its section", async () => {
    const ctx = rootNode("AKIAIOSFODNN7EXAMPLE", { [IDENTITY_CONFIG]: identity("OnPrem", FILE) });
    expect(await check("root-credentials", ctx)).toMatchObject({
      status: "fail",
      message: expect.stringMatching(
        /\[default\]: the SSM agent's OnPrem identity shares its own credentials through this file and profile, and a long-term key now sits where its temporary one belongs/,
      ),
      remediation:
        "sudo hpiam recover --user root, then sudo systemctl restart amazon-ssm-agent: the agent writes its own credentials back (its next refresh would too)",
      details: { agentImpact: "agent-connection" },
    });
  });

  it("passes the OnPrem agent's own temporary credentials in its section", async () => {
    const ctx = rootNode("ASIAIOSFODNN7AGENTS", { [IDENTITY_CONFIG]: identity("OnPrem", FILE) });
    expect(await check("root-credentials", ctx)).toMatchObject({
      status: "pass",
      message: `only the SSM agent's own temporary credentials (ASIA…ENTS) in ${FILE} [default], where its OnPrem identity shares them`,
      details: { agentImpact: "none" },
    });
  });

  it("EC2 identity (snap install): agent-commands, naming Run Command and patching and the snap's unit", async () => {
    const ctx = rootNode(
      "AKIAIOSFODNN7EXAMPLE",
      {
        [IDENTITY_CONFIG]: identity("EC2", ""),
        "/snap/amazon-ssm-agent/current/amazon-ssm-agent": "",
      },
      {
        run: answers({
          "/snap/amazon-ssm-agent/current/amazon-ssm-agent --version": {
            stdout: "SSM Agent version: 3.3.1142.0\n",
          },
        }),
      },
    );
    expect(await check("root-credentials", ctx)).toMatchObject({
      status: "fail",
      message: expect.stringMatching(
        /every document the SSM agent runs as root \(Run Command, patching\) signs with them; its connection \(EC2 identity\) does not read this file$/,
      ),
      remediation:
        "sudo hpiam recover --user root, then sudo systemctl restart snap.amazon-ssm-agent.amazon-ssm-agent",
      details: { agentImpact: "agent-commands" },
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

  it("as root, explains a downgraded-role IMDS proxy and the role it gives non-root users", async () => {
    const ctx = fakeNode({
      uid: 0,
      exec: { run: answers({ "iptables-save": { stdout: PROXY_RULES } }) },
      imdsAt: { "http://127.0.0.1:8080": { reachable: true, roleName: "ImdsProxyTestRole" } },
    });
    expect(await check("imds-proxy", ctx)).toMatchObject({
      status: "pass",
      message:
        "local IMDS proxy: non-root users get ImdsProxyTestRole from 127.0.0.1:8080 on purpose; root keeps ExecRole",
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
