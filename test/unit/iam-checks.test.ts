import { describe, expect, it } from "vitest";
import type { CheckOutcome, DiagnoseOptions } from "../../src/checks/check";
import { executionRole } from "../../src/checks/execution-role";
import { createFacts } from "../../src/checks/facts";
import { ssmAccess } from "../../src/checks/ssm-access";
import type { IamPort, SimulatedDecision } from "../../src/context";
import { fillPolicy } from "../../src/domain/policy-template";
import { SEED_POLICIES } from "../../src/domain/seed-policies";
import { fakeContext, type FakeOptions } from "../support/fake-context";

const ACCOUNT = "123456789012";
const ROLE = "ExecRole";
const encode = (document: unknown) => encodeURIComponent(JSON.stringify(document));
const seed = (name: keyof typeof SEED_POLICIES) => fillPolicy(SEED_POLICIES[name].document, {}).document;

/** IAM as it answers for a role with these documents (URL-encoded, as the real service returns them). */
function iamWith(
  roles: Record<
    string,
    { trust: unknown; inline?: Record<string, unknown>; managed?: Record<string, unknown> }
  >,
): Partial<IamPort> {
  const managed = Object.assign({}, ...Object.values(roles).map((r) => r.managed ?? {})) as Record<
    string,
    unknown
  >;
  const role = (name: string) => roles[name];
  const missing = {
    ok: false,
    error: { name: "NoSuchEntity", message: "not found", httpStatus: 404 },
  } as const;
  return {
    getRole: async (name) => {
      const found = role(name);
      if (!found) return missing;
      return {
        ok: true,
        value: { name, arn: `arn:aws:iam::${ACCOUNT}:role/${name}`, trustPolicy: encode(found.trust) },
      };
    },
    listRolePolicies: async (name) => ({ ok: true, value: Object.keys(role(name)?.inline ?? {}) }),
    getRolePolicy: async (name, policy) => ({ ok: true, value: encode(role(name)?.inline?.[policy]) }),
    listAttachedRolePolicies: async (name) => ({
      ok: true,
      value: Object.keys(role(name)?.managed ?? {}).map((policy) => ({
        name: policy,
        arn: `arn:aws:iam::${ACCOUNT}:policy/${policy}`,
      })),
    }),
    getPolicy: async () => ({ ok: true, value: { defaultVersionId: "v1" } }),
    getPolicyVersion: async (arn) => ({ ok: true, value: encode(managed[arn.split("/").pop() ?? ""]) }),
  };
}

const onNode: FakeOptions = {
  instanceProfile: { reachable: true, roleName: ROLE, instanceId: "i-0123456789abcdef0" },
  identification: {
    region: "us-west-2",
    identity: {
      account: ACCOUNT,
      arn: `arn:aws:sts::${ACCOUNT}:assumed-role/${ROLE}/SageMaker`,
      userId: "AROAX:SageMaker",
    },
  },
};

async function run(
  check: typeof executionRole,
  fake: FakeOptions,
  options: DiagnoseOptions = { iam: true },
): Promise<CheckOutcome> {
  const ctx = fakeContext(fake);
  return check.run({ options, facts: createFacts(ctx, options) }, ctx);
}

describe("the execution-role check", () => {
  it("passes the role of seed 001 (trust and inline policy), read from the instance profile", async () => {
    const iam = iamWith({
      [ROLE]: { trust: seed("execution-trust"), inline: { HyperPodExecutionPolicy: seed("execution-role") } },
    });
    const outcome = await run(executionRole, { ...onNode, iam });
    expect(outcome).toMatchObject({
      status: "pass",
      message: `${ROLE}: trusted by sagemaker.amazonaws.com; all 38 seed 001 permissions allowed`,
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
        trust: seed("execution-trust"),
        inline: { P: seed("execution-role") },
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
    const policy = seed("execution-role");
    const conditioned = {
      ...policy,
      Statement: policy.Statement.map((s) =>
        s.Sid === "SSMAccess" ? { ...s, Condition: { Bool: { "aws:ViaAWSService": "true" } } } : s,
      ),
    };
    const iam = iamWith({ [ROLE]: { trust: seed("execution-trust"), inline: { P: conditioned } } });
    const outcome = await run(executionRole, { ...onNode, iam });
    expect(outcome).toMatchObject({
      status: "warn",
      message: `${ROLE}: ssm:SendCommand, ssm:GetCommandInvocation allowed only under a condition hpiam does not evaluate`,
    });
  });

  it("uses IAM's policy simulator when it answers", async () => {
    const iam = iamWith({
      [ROLE]: { trust: seed("execution-trust"), inline: { P: seed("execution-role") } },
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
      ExecA: { trust: seed("execution-trust"), inline: { P: seed("execution-role") } },
      ExecB: { trust: seed("node-trust"), inline: { P: seed("execution-role") } },
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

  it("on a node checks the SSH Helper setup of seeds 003/004: SSM trust and the advanced tier", async () => {
    const iam = iamWith({
      [ROLE]: { trust: seed("execution-trust"), inline: { SSHSageMakerServerPolicy: seed("ssm-server") } },
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
      [ROLE]: { trust: seed("ssm-trust"), inline: { SSHSageMakerServerPolicy: seed("ssm-server") } },
    });
    const outcome = await run(ssmAccess, { ...onNode, iam });
    expect(outcome).toMatchObject({
      status: "skip",
      message: "SSM activation tier: needs ssm:GetServiceSetting",
    });
  });
});
