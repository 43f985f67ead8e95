import { CreateAccessKeyCommand, CreateUserCommand } from "@aws-sdk/client-iam";
import { describe, expect, it } from "vitest";
import { EXECUTION_ROLE } from "../support/aws-world";
import { check, iam } from "../support/moto-iam";
import { expectNoSecrets, useSimulatedNode } from "../support/simulated-node";

describe("hpiam diagnose --iam for a caller without IAM read (moto enforcing IAM)", () => {
  const node = useSimulatedNode();

  it("skips, naming the permission, and never fails the report", async () => {
    const client = iam(node);
    await client.send(new CreateUserCommand({ UserName: "scientist" }));
    const key = (await client.send(new CreateAccessKeyCommand({ UserName: "scientist" }))).AccessKey;
    client.destroy();
    // From here on moto checks every request against the caller's policies (the user has none).
    const enforce = await fetch(`${node.env.AWS_ENDPOINT_URL}/moto-api/reset-auth`, {
      method: "POST",
      headers: { "Content-Type": "text/plain" },
      body: "0",
    });
    expect(enforce.ok).toBe(true);
    const secret = key?.SecretAccessKey ?? "";
    const env = { AWS_ACCESS_KEY_ID: key?.AccessKeyId ?? "", AWS_SECRET_ACCESS_KEY: secret };
    const result = await node.hpiam(
      [
        "diagnose",
        "--iam",
        "--json",
        "--checks",
        "caller-identity,execution-role,ssm-access,eks-cluster-role,eks-node-role",
        "--role",
        EXECUTION_ROLE,
        "--eks-cluster-role",
        "HyperPodEKSClusterRole",
        "--eks-node-role",
        "HyperPodEKSNodeRole",
      ],
      env,
    );
    const doc = JSON.parse(result.stdout);
    expect(check(result, "caller-identity")).toMatchObject({ status: "pass", message: /user\/scientist$/ });
    expect(check(result, "execution-role")).toMatchObject({
      status: "skip",
      message: `${EXECUTION_ROLE}: needs iam:GetRole`,
      remediation: `from a principal with IAM read: hpiam diagnose --iam --role ${EXECUTION_ROLE}`,
      details: { permission: "iam:GetRole" },
    });
    for (const [id, role] of [
      ["eks-cluster-role", "HyperPodEKSClusterRole"],
      ["eks-node-role", "HyperPodEKSNodeRole"],
    ] as const) {
      expect(check(result, id)).toMatchObject({
        status: "skip",
        message: `${role}: needs iam:GetRole`,
        details: { permission: "iam:GetRole" },
      });
    }
    expect(doc.summary).toMatchObject({ status: "healthy", fail: 0 });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).not.toContain(secret);
    expect(result.stderr).not.toContain(secret);
    expectNoSecrets(node, result);
  });
});
