import { describe, expect, it } from "vitest";
import { ssmAccess } from "../../src/iam/ssm-access-check";
import type { IamPort, SimulatedDecision } from "../../src/context";
import type { FakeOptions } from "../support/fake-context";
import { ACCOUNT, iamWith, onNode, ROLE, run, catalog } from "../support/iam-check-context";

describe("the ssm-access check", () => {
  const laptopUser: FakeOptions = {
    identification: {
      region: "us-west-2",
      identity: { account: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:user/alice`, userId: "AIDAX" },
    },
    sagemaker: {
      describeCluster: async () => ({
        ok: true,
        value: { arn: `arn:aws:sagemaker:us-west-2:${ACCOUNT}:cluster/abc123def456`, name: "ml", groups: [] },
      }),
    },
    exec: { which: async (command) => `/usr/local/bin/${command}` },
  };
  const simulator =
    (
      decide: (action: string, resource: string) => SimulatedDecision["decision"],
    ): IamPort["simulatePrincipalPolicy"] =>
    async (_arn, actions, resources) => ({
      ok: true,
      value: actions.flatMap((action) =>
        resources.map((resource) => ({
          action,
          resource,
          decision: decide(action, resource),
          missingContextKeys: [],
        })),
      ),
    });

  it("passes an IAM user the simulator allows StartSession and TerminateSession", async () => {
    const outcome = await run(
      ssmAccess,
      { ...laptopUser, iam: { simulatePrincipalPolicy: simulator(() => "allowed") } },
      { cluster: "ml" },
    );
    expect(outcome).toMatchObject({
      status: "pass",
      message: `aws and session-manager-plugin present; arn:aws:iam::${ACCOUNT}:user/alice may start and end sessions on arn:aws:sagemaker:us-west-2:${ACCOUNT}:cluster/abc123def456; no SSH Helper setup on the execution role`,
    });
  });

  it("fails naming ssm:StartSession, with the exact policy for the user", async () => {
    const iam = {
      simulatePrincipalPolicy: simulator((_action, resource) =>
        resource.includes(":cluster/") ? "implicitDeny" : "allowed",
      ),
    };
    const outcome = await run(ssmAccess, { ...laptopUser, iam }, { cluster: "ml" });
    expect(outcome.status).toBe("fail");
    expect(outcome.message).toMatch(
      /user\/alice may not ssm:StartSession on arn:aws:sagemaker:us-west-2:\d+:cluster\/abc123def456$/,
    );
    expect(outcome.remediation).toBe(
      `aws iam put-user-policy --user-name alice --policy-name HyperPodSsmAccess --policy-document '{"Version":"2012-10-17","Statement":[{"Sid":"StartSessionOnCluster","Effect":"Allow","Action":"ssm:StartSession","Resource":"arn:aws:sagemaker:us-west-2:${ACCOUNT}:cluster/abc123def456"}]}'`,
    );
  });

  it("skips naming iam:SimulatePrincipalPolicy for a user when the simulator is refused", async () => {
    const outcome = await run(ssmAccess, laptopUser, { cluster: "ml" });
    expect(outcome).toMatchObject({ status: "skip", message: "alice: needs iam:SimulatePrincipalPolicy" });
  });

  it("fails off the cluster without session-manager-plugin, with its install guide", async () => {
    const which = async (command: string) => (command === "aws" ? "/usr/bin/aws" : undefined);
    const outcome = await run(ssmAccess, { ...laptopUser, exec: { which } }, {});
    expect(outcome.status).toBe("fail");
    expect(outcome.message).toMatch(/^session-manager-plugin is not on PATH/);
    expect(outcome.remediation).toMatch(/session-manager-working-with-install-plugin/);
  });

  it("on a node checks SageMaker SSH Helper's IAM and SSM setup: SSM trust and the advanced tier", async () => {
    const iam = iamWith({
      [ROLE]: {
        trust: catalog("execution-trust"),
        inline: { SSHSageMakerServerPolicy: catalog("ssm-server") },
      },
    });
    const outcome = await run(ssmAccess, {
      ...onNode,
      iam,
      ssm: { getServiceSetting: async () => ({ ok: true, value: "standard" }) },
    });
    expect(outcome.status).toBe("fail");
    expect(outcome.message).toMatch(
      `${ROLE} has SSHSageMakerServerPolicy but its trust policy does not let ssm.amazonaws.com sts:AssumeRole`,
    );
    expect(outcome.message).not.toMatch(/StartSession/); // on a node connect-head uses ssh
    expect(outcome.remediation).toContain(
      '{"Effect":"Allow","Principal":{"Service":"ssm.amazonaws.com"},"Action":"sts:AssumeRole"}',
    );
    expect(outcome.remediation).toContain(
      `aws ssm update-service-setting --setting-id arn:aws:ssm:us-west-2:${ACCOUNT}:servicesetting/ssm/managed-instance/activation-tier --setting-value advanced`,
    );
    expect(outcome.details).toMatchObject({ sshHelper: true, activationTier: "standard" });
  });

  it("skips the tier naming ssm:GetServiceSetting when it is refused", async () => {
    const iam = iamWith({
      [ROLE]: { trust: catalog("ssm-trust"), inline: { SSHSageMakerServerPolicy: catalog("ssm-server") } },
    });
    const outcome = await run(ssmAccess, { ...onNode, iam });
    expect(outcome).toMatchObject({
      status: "skip",
      message: "SSM activation tier: needs ssm:GetServiceSetting",
    });
  });
});
