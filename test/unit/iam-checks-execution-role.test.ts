import { describe, expect, it } from "vitest";
import { executionRole } from "../../src/iam/execution-role-check";
import type { IamPort, SimulatedDecision } from "../../src/context";
import type { FakeOptions } from "../support/fake-context";
import { ACCOUNT, iamWith, onNode, ROLE, run, catalog } from "../support/iam-check-context";

describe("the execution-role check", () => {
  it("passes the role of HyperPod IAM Policies (trust and inline policy), read from the instance profile", async () => {
    const iam = iamWith({
      [ROLE]: {
        trust: catalog("execution-trust"),
        inline: { HyperPodExecutionPolicy: catalog("execution-role") },
      },
    });
    const outcome = await run(executionRole, { ...onNode, iam });
    expect(outcome).toMatchObject({
      status: "pass",
      message: `${ROLE}: trusted by sagemaker.amazonaws.com; all 38 permissions of HyperPod's execution-role policy allowed`,
      details: { role: { name: ROLE, from: "instance-profile" }, evaluatedBy: ["hpiam"] },
    });
  });

  it("skips naming iam:GetRole when the caller may not read IAM (never a fail)", async () => {
    const outcome = await run(executionRole, onNode);
    expect(outcome).toMatchObject({
      status: "skip",
      message: `${ROLE}: needs iam:GetRole`,
      details: { permission: "iam:GetRole" },
    });
  });

  it("names the explicit Deny of an attached managed policy", async () => {
    const deny = {
      Version: "2012-10-17",
      Statement: [{ Sid: "NoLaunch", Effect: "Deny", Action: "ec2:Run*", Resource: "*" }],
    };
    const iam = iamWith({
      [ROLE]: {
        trust: catalog("execution-trust"),
        inline: { P: catalog("execution-role") },
        managed: { Guardrail: deny },
      },
    });
    const outcome = await run(executionRole, { ...onNode, iam });
    expect(outcome.status).toBe("fail");
    expect(outcome.message).toBe(
      `${ROLE}: explicitly denied ec2:RunInstances by managed Guardrail (NoLaunch)`,
    );
    expect(outcome.remediation).toBeUndefined(); // adding an Allow would not help
  });

  it("warns when a permission is allowed only under a condition it does not evaluate", async () => {
    const policy = catalog("execution-role");
    const conditioned = {
      ...policy,
      Statement: policy.Statement.map((s) =>
        s.Sid === "SSMAccess" ? { ...s, Condition: { Bool: { "aws:ViaAWSService": "true" } } } : s,
      ),
    };
    const iam = iamWith({ [ROLE]: { trust: catalog("execution-trust"), inline: { P: conditioned } } });
    const outcome = await run(executionRole, { ...onNode, iam });
    expect(outcome).toMatchObject({
      status: "warn",
      message: `${ROLE}: ssm:SendCommand, ssm:GetCommandInvocation allowed only under a condition hpiam does not evaluate`,
    });
  });

  it("uses IAM's policy simulator when it answers", async () => {
    const iam = iamWith({
      [ROLE]: { trust: catalog("execution-trust"), inline: { P: catalog("execution-role") } },
    });
    const simulatePrincipalPolicy: IamPort["simulatePrincipalPolicy"] = async (_arn, actions, resources) => ({
      ok: true,
      value: actions.flatMap((action) =>
        resources.map((resource): SimulatedDecision => ({
          action,
          resource,
          decision: action === "ec2:TerminateInstances" ? "explicitDeny" : "allowed",
          missingContextKeys: [],
        })),
      ),
    });
    const outcome = await run(executionRole, { ...onNode, iam: { ...iam, simulatePrincipalPolicy } });
    expect(outcome.message).toBe(
      `${ROLE}: explicitly denied ec2:TerminateInstances by a Deny (IAM policy simulator)`,
    );
    expect(outcome.details?.evaluatedBy).toEqual(["simulator"]);
  });

  it("checks every execution role DescribeCluster names with --cluster", async () => {
    const iam = iamWith({
      ExecA: { trust: catalog("execution-trust"), inline: { P: catalog("execution-role") } },
      ExecB: { trust: catalog("node-trust"), inline: { P: catalog("execution-role") } },
    });
    const sagemaker: FakeOptions["sagemaker"] = {
      describeCluster: async () => ({
        ok: true,
        value: {
          arn: `arn:aws:sagemaker:us-west-2:${ACCOUNT}:cluster/abc123def456`,
          name: "ml",
          groups: [
            { name: "controller", executionRole: `arn:aws:iam::${ACCOUNT}:role/ExecA` },
            { name: "workers", executionRole: `arn:aws:iam::${ACCOUNT}:role/service-role/ExecB` },
          ],
        },
      }),
    };
    const outcome = await run(executionRole, { iam, sagemaker }, { cluster: "ml" });
    expect(outcome.status).toBe("fail");
    expect(outcome.message).toBe(
      "ExecB: its trust policy does not let sagemaker.amazonaws.com sts:AssumeRole",
    );
    expect(outcome.remediation).toContain(
      "aws iam update-assume-role-policy --role-name ExecB --policy-document '",
    );
    // The fix keeps the statement the trust policy already has.
    expect(outcome.remediation).toContain('"Service":"ec2.amazonaws.com"');
  });

  it("is not asked for without --iam, --role or --cluster", async () => {
    expect(await run(executionRole, onNode, {})).toMatchObject({ status: "skip", message: /not asked/ });
  });
});
