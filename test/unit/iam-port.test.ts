import {
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  IAMClient,
  ListAttachedRolePoliciesCommand,
  ListRolePoliciesCommand,
  SimulatePrincipalPolicyCommand,
} from "@aws-sdk/client-iam";
import { GetServiceSettingCommand, SSMClient } from "@aws-sdk/client-ssm";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it } from "vitest";
import { createIamPort } from "../../src/system/iam";
import { createSsmPort } from "../../src/system/ssm";

const iam = mockClient(IAMClient);
const ssm = mockClient(SSMClient);
const log = { debug: () => {}, info: () => {} };
const port = createIamPort(log);
const aws = { region: "us-west-2" };
const ROLE = "HyperPodExecutionRole";
const TRUST = encodeURIComponent('{"Version":"2012-10-17","Statement":[]}');
const denied = () =>
  Object.assign(new Error(`User: arn:aws:iam::1:user/alice is not authorized to perform: iam:GetRole`), {
    name: "AccessDenied",
    $metadata: { httpStatusCode: 403 },
  });

afterEach(() => {
  iam.reset();
  ssm.reset();
});

describe("the IAM adapter", () => {
  it("reduces GetRole to the ARN, name and the trust policy as IAM returns it", async () => {
    iam.on(GetRoleCommand, { RoleName: ROLE }).resolves({
      Role: {
        RoleName: ROLE,
        Arn: `arn:aws:iam::1:role/${ROLE}`,
        AssumeRolePolicyDocument: TRUST,
        Path: "/",
        RoleId: "AROAEXAMPLE",
        CreateDate: new Date(),
      },
    });
    expect(await port.getRole(ROLE, aws)).toEqual({
      ok: true,
      value: { arn: `arn:aws:iam::1:role/${ROLE}`, name: ROLE, trustPolicy: TRUST },
    });
  });

  it("reads every page of the inline and attached policy lists", async () => {
    iam
      .on(ListRolePoliciesCommand)
      .resolvesOnce({ PolicyNames: ["A"], IsTruncated: true, Marker: "m" })
      .resolvesOnce({ PolicyNames: ["B"], IsTruncated: false });
    iam.on(ListAttachedRolePoliciesCommand).resolves({
      AttachedPolicies: [{ PolicyName: "Managed", PolicyArn: "arn:aws:iam::1:policy/Managed" }],
    });
    expect(await port.listRolePolicies(ROLE, aws)).toEqual({ ok: true, value: ["A", "B"] });
    expect(await port.listAttachedRolePolicies(ROLE, aws)).toEqual({
      ok: true,
      value: [{ name: "Managed", arn: "arn:aws:iam::1:policy/Managed" }],
    });
  });

  it("returns policy documents and a managed policy's default version", async () => {
    iam.on(GetRolePolicyCommand, { RoleName: ROLE, PolicyName: "A" }).resolves({
      RoleName: ROLE,
      PolicyName: "A",
      PolicyDocument: TRUST,
    });
    iam.on(GetPolicyCommand).resolves({ Policy: { DefaultVersionId: "v3" } });
    iam.on(GetPolicyVersionCommand, { VersionId: "v3" }).resolves({ PolicyVersion: { Document: TRUST } });
    expect(await port.getRolePolicy(ROLE, "A", aws)).toEqual({ ok: true, value: TRUST });
    expect(await port.getPolicy("arn:aws:iam::1:policy/M", aws)).toEqual({
      ok: true,
      value: { defaultVersionId: "v3" },
    });
    expect(await port.getPolicyVersion("arn:aws:iam::1:policy/M", "v3", aws)).toEqual({
      ok: true,
      value: TRUST,
    });
  });

  it("flattens the simulator's results per action and resource", async () => {
    iam.on(SimulatePrincipalPolicyCommand).resolves({
      IsTruncated: false,
      EvaluationResults: [
        {
          EvalActionName: "ssm:StartSession",
          EvalResourceName: "*",
          EvalDecision: "allowed",
          ResourceSpecificResults: [
            { EvalResourceName: "arn:a", EvalResourceDecision: "allowed" },
            {
              EvalResourceName: "arn:b",
              EvalResourceDecision: "explicitDeny",
              MissingContextValues: ["aws:userid"],
            },
          ],
        },
        { EvalActionName: "ssm:TerminateSession", EvalResourceName: "*", EvalDecision: "implicitDeny" },
      ],
    });
    expect(
      await port.simulatePrincipalPolicy(
        "arn:aws:iam::1:role/R",
        ["ssm:StartSession"],
        ["arn:a", "arn:b"],
        aws,
      ),
    ).toEqual({
      ok: true,
      value: [
        { action: "ssm:StartSession", resource: "arn:a", decision: "allowed", missingContextKeys: [] },
        {
          action: "ssm:StartSession",
          resource: "arn:b",
          decision: "explicitDeny",
          missingContextKeys: ["aws:userid"],
        },
        { action: "ssm:TerminateSession", resource: "*", decision: "implicitDeny", missingContextKeys: [] },
      ],
    });
  });

  it("answers AccessDenied with the error's name and status, never a thrown SDK error", async () => {
    iam.on(GetRoleCommand).rejects(denied());
    expect(await port.getRole(ROLE, aws)).toMatchObject({
      ok: false,
      error: { name: "AccessDenied", httpStatus: 403 },
    });
  });
});

describe("the SSM adapter", () => {
  const ssmPort = createSsmPort(log);
  const TIER = "/ssm/managed-instance/activation-tier";

  it("reads a service setting's value", async () => {
    ssm.on(GetServiceSettingCommand, { SettingId: TIER }).resolves({
      ServiceSetting: { SettingId: TIER, SettingValue: "advanced" },
    });
    expect(await ssmPort.getServiceSetting(TIER, aws)).toEqual({ ok: true, value: "advanced" });
  });

  it("answers a refusal as an error", async () => {
    ssm.on(GetServiceSettingCommand).rejects(
      Object.assign(new Error("not authorized"), {
        name: "AccessDeniedException",
        $metadata: { httpStatusCode: 400 },
      }),
    );
    expect(await ssmPort.getServiceSetting(TIER, aws)).toMatchObject({
      ok: false,
      error: { name: "AccessDeniedException" },
    });
  });
});
