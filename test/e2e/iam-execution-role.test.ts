import { describe, expect, it } from "vitest";
import { EXECUTION_ROLE, EXECUTION_TRUST } from "../support/aws-world";
import { apply, check, createRole } from "../support/moto-iam";
import { expectNoSecrets, type SimulatedNode, useSimulatedNode } from "../support/simulated-node";

/** The execution-role policy of "HyperPod IAM Policies" exactly as `hpiam policy` prints it. */
async function printedPolicy(node: SimulatedNode): Promise<{ Statement: Array<{ Action: string[] }> }> {
  const printed = await node.hpiam(["policy", "execution-role"]);
  expect(printed.exitCode).toBe(0);
  return JSON.parse(printed.stdout) as { Statement: Array<{ Action: string[] }> };
}

describe("hpiam diagnose --iam against moto", () => {
  const node = useSimulatedNode();
  const diagnose = (args: string[], env: Record<string, string> = {}) =>
    node.hpiam(["diagnose", "--iam", "--json", "--checks", "execution-role,ssm-access", ...args], env);

  it("fails the node's execution role that lacks the permissions of HyperPod's execution-role policy, and its remediation fixes it", async () => {
    const before = await diagnose([]);
    expect(before.exitCode).toBe(1);
    const failed = check(before, "execution-role");
    expect(failed).toMatchObject({
      status: "fail",
      details: { role: { name: EXECUTION_ROLE, from: "instance-profile" } },
    });
    expect(failed.message).toMatch(/missing ec2:CreateNetworkInterface, .* \(\+\d+ more\)/);
    // The role has an inline HyperPodExecutionPolicy already: the fix adds one beside it instead of replacing it.
    expect(failed.remediation).toMatch(
      new RegExp(
        `^aws iam put-role-policy --role-name ${EXECUTION_ROLE} --policy-name HyperPodExecutionPolicy2 --policy-document '\\{`,
      ),
    );
    await apply(node, failed.remediation);

    const after = await diagnose([]);
    expect(check(after, "execution-role")).toMatchObject({
      status: "pass",
      message: `${EXECUTION_ROLE}: trusted by sagemaker.amazonaws.com; all 38 permissions of HyperPod's execution-role policy allowed`,
    });
    // On a node connect-head uses ssh; the role has no SSH Helper setup to check.
    expect(check(after, "ssm-access")).toMatchObject({ status: "pass", details: { sshHelper: false } });
    expect(after.exitCode).toBe(0);
    expectNoSecrets(node, before, after);
  });

  it("passes a role made from the trust and policy of HyperPod IAM Policies, named with --role", async () => {
    await createRole(node, "HyperPodExecutionRole", EXECUTION_TRUST, await printedPolicy(node));
    const result = await diagnose(["--role", "HyperPodExecutionRole"]);
    expect(check(result, "execution-role")).toMatchObject({
      status: "pass",
      remediation: null,
      details: { role: { name: "HyperPodExecutionRole", from: "flag" }, missing: [], evaluatedBy: ["hpiam"] },
    });
  });

  it("fails a role whose trust policy lacks sagemaker.amazonaws.com, naming it", async () => {
    const ec2Only = {
      Version: "2012-10-17",
      Statement: [{ ...EXECUTION_TRUST.Statement[0], Principal: { Service: "ec2.amazonaws.com" } }],
    };
    await createRole(node, "NoSageMakerTrust", ec2Only, await printedPolicy(node));
    const result = await diagnose(["--role", "NoSageMakerTrust"]);
    expect(result.exitCode).toBe(1);
    const failed = check(result, "execution-role");
    expect(failed.status).toBe("fail");
    expect(failed.message).toBe(
      "NoSageMakerTrust: its trust policy does not let sagemaker.amazonaws.com sts:AssumeRole",
    );
    expect(failed.details.trustStatementToAdd).toEqual(EXECUTION_TRUST.Statement[0]);
    await apply(node, failed.remediation);
    expect(check(await diagnose(["--role", "NoSageMakerTrust"]), "execution-role").status).toBe("pass");
  });

  it("fails a role missing one action, naming it with the exact JSON to add", async () => {
    const policy = await printedPolicy(node);
    policy.Statement[0]!.Action = policy.Statement[0]!.Action.filter((a) => a !== "ec2:RunInstances");
    await createRole(node, "NoRunInstances", EXECUTION_TRUST, policy);
    const failed = check(await diagnose(["--role", "NoRunInstances"]), "execution-role");
    expect(failed.status).toBe("fail");
    expect(failed.message).toBe("NoRunInstances: missing ec2:RunInstances");
    expect(failed.details.policyToAdd).toEqual({
      Version: "2012-10-17",
      Statement: [{ Sid: "EC2Management", Effect: "Allow", Action: "ec2:RunInstances", Resource: "*" }],
    });
    expect(failed.remediation).toContain(`'${JSON.stringify(failed.details.policyToAdd)}'`);
  });

  it("fails a role that does not exist and refuses a malformed --role with exit 2", async () => {
    expect(check(await diagnose(["--role", "NoSuchRole"]), "execution-role")).toMatchObject({
      status: "fail",
      message: "role NoSuchRole does not exist",
    });
    const bad = await node.hpiam(["diagnose", "--iam", "--role", "arn:aws:s3:::bucket"]);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toMatch(/--role: .* neither a role name nor a role ARN/);
  });

  it("skips the IAM checks unless asked", async () => {
    const result = await node.hpiam(["diagnose", "--json", "--checks", "execution-role,ssm-access"]);
    expect(check(result, "execution-role")).toMatchObject({ status: "skip", message: /not asked/ });
    expect(check(result, "ssm-access")).toMatchObject({ status: "skip", message: /not asked/ });
  });
});
