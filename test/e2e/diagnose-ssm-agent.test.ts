import { chmod, mkdir, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { diagnoseReport } from "../support/diagnose-report";
import { expectNoSecrets, useSimulatedNode } from "../support/simulated-node";
import { layOutAgent, withAgentFolders } from "../support/ssm-agent-state";

/**
 * As root, after root's own `aws configure` (the real AWS CLI): what that breaks depends on the identity the SSM
 * agent recorded, laid out in a folder mounted over /var/lib/amazon/ssm (and /etc/amazon/ssm).
 */
describe("root's keys and the SSM agent's own identity", () => {
  const node = useSimulatedNode();
  const rootCredentials = () => join(node.sandbox.rootHome, ".aws", "credentials");

  beforeAll(async () => {
    if (process.getuid?.() !== 0) throw new Error("this test runs as root, as npm test does (README)");
    const stub = join(node.sandbox.binDir, "amazon-ssm-agent");
    await writeFile(stub, '#!/bin/sh\n[ "$1" = --version ] && echo "SSM Agent version: 3.2.1377.0"\n');
    await chmod(stub, 0o755);
  });

  /** `aws configure` as root: the leaked IAM user's key into root's [default]. */
  const rootConfigures = async () => {
    for (const [key, value] of [
      ["aws_access_key_id", node.world.leakedKey.accessKeyId],
      ["aws_secret_access_key", node.world.leakedKey.secretAccessKey],
    ] as const) {
      const result = await node.aws(["configure", "set", key, value], { HOME: node.sandbox.rootHome });
      expect(result.exitCode, result.stderr).toBe(0);
    }
  };

  /** `hpiam diagnose` as root with the agent's folders laid out from `identity` (none: no identity recorded). */
  const diagnoseWith = async (identity: Record<string, string> | undefined) => {
    const root = await mkdtemp(join(node.sandbox.root, "agent-"));
    const scratch = join(root, "scratch");
    await mkdir(scratch);
    const within = withAgentFolders(scratch, await layOutAgent(root, identity));
    const result = await node.hpiam(
      ["diagnose", "--json", "--checks", "root-credentials,ssm-agent"],
      {},
      { within },
    );
    expectNoSecrets(node, result);
    return diagnoseReport(result);
  };

  it("OnPrem sharing through root's [default]: agent-connection, the key beside the agent's old token", async () => {
    // The agent's own temporary credentials, where its OnPrem identity shares them.
    const agents = node.world.nodeCredentials;
    await mkdir(join(node.sandbox.rootHome, ".aws"), { recursive: true });
    await writeFile(
      rootCredentials(),
      `[default]\naws_access_key_id = ${agents.AccessKeyId}\naws_secret_access_key = ${agents.SecretAccessKey}\naws_session_token = ${agents.SessionToken}\n`,
      { mode: 0o600 },
    );
    const onPrem = {
      InstanceId: "mi-0123456789abcdef0",
      IdentityType: "OnPrem",
      ShareFile: rootCredentials(),
      ShareProfile: "",
      CredentialSource: "SSM",
    };
    const before = await diagnoseWith(onPrem);
    expect(before.check("root-credentials")).toMatchObject({
      status: "pass",
      message: expect.stringMatching(/^only the SSM agent's own temporary credentials \(ASIA…\w{4}\) in /),
      details: { agentImpact: "none" },
    });

    await rootConfigures();
    // The AWS CLI replaced the key and left the agent's session token beside it.
    expect(await readFile(rootCredentials(), "utf8")).toContain(`aws_session_token = ${agents.SessionToken}`);
    const { exitCode, check } = await diagnoseWith(onPrem);
    expect(exitCode).toBe(1);
    expect(check("root-credentials")).toMatchObject({
      status: "fail",
      message: `static keys (AKIA…${node.world.leakedKey.accessKeyId.slice(-4)}) in ${rootCredentials()} [default]: the SSM agent's OnPrem identity shares its own credentials through this file and profile, and a long-term key now sits where its temporary one belongs: its connection fails until it refreshes them`,
      remediation:
        "sudo hpiam recover --user root, then sudo systemctl restart amazon-ssm-agent: the agent writes its own credentials back (its next refresh would too)",
      details: { agentImpact: "agent-connection" },
    });
    expect(check("ssm-agent")).toMatchObject({
      status: "pass",
      details: {
        identityType: "OnPrem",
        shareFile: rootCredentials(),
        shareProfile: "default",
        shareCreds: true,
        version: "3.2.1377.0",
      },
    });
  });

  it("EC2 identity: agent-commands, naming Run Command and patching", async () => {
    await rootConfigures();
    const { exitCode, check } = await diagnoseWith({
      InstanceId: node.instanceId,
      IdentityType: "EC2",
      ShareFile: "",
      ShareProfile: "",
      CredentialSource: "EC2",
    });
    expect(exitCode).toBe(1);
    expect(check("root-credentials")).toMatchObject({
      status: "fail",
      message: expect.stringMatching(
        /\[default\]: every document the SSM agent runs as root \(Run Command, patching\) signs with them; its connection \(EC2 identity\) does not read this file$/,
      ),
      remediation: "sudo hpiam recover --user root, then sudo systemctl restart amazon-ssm-agent",
      details: { agentImpact: "agent-commands" },
    });
    expect(check("ssm-agent")).toMatchObject({
      message: "amazon-ssm-agent is active (agent 3.2.1377.0, EC2 identity)",
      details: { identityType: "EC2", shareFile: null, version: "3.2.1377.0" },
    });
  });

  it("no identity recorded: unknown, saying why, and the IAM user's SSM access meanwhile", async () => {
    await rootConfigures();
    const { exitCode, check } = await diagnoseWith(undefined);
    expect(exitCode).toBe(1);
    expect(check("root-credentials")).toMatchObject({
      status: "fail",
      message: expect.stringMatching(
        /\[default\]: every command root runs signs with them, and the SSM agent may too, dropping the node off SSM \(its identity is unknown: no \/var\/lib\/amazon\/ssm\/runtimeconfig\/identity_config\.json: /,
      ),
      // Root's own run would name the key's IAM user; this one's HOME is ubuntu's, so the admin fills it in.
      remediation:
        "sudo hpiam recover --user root, then sudo systemctl restart amazon-ssm-agent; if the node is already off SSM, an IAM admin runs: aws iam attach-user-policy --user-name <IAM-USER> --policy-arn arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
      details: { agentImpact: "unknown" },
    });
    expect(check("ssm-agent").details).toMatchObject({
      identityType: null,
      identityUnknown: expect.stringContaining("identity_config.json"),
    });
  });
});
