import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { classifyPrincipal, parseRoleRef } from "../../src/identity/model/arn";

describe("classifyPrincipal", () => {
  it.each([
    [
      "arn:aws:sts::123456789012:assumed-role/sagemaker-hyperpod-ExecRole/SageMaker",
      { type: "assumed-role", name: "sagemaker-hyperpod-ExecRole", sessionName: "SageMaker" },
    ],
    ["arn:aws:iam::123456789012:user/alice", { type: "iam-user", name: "alice" }],
    ["arn:aws:iam::123456789012:user/team/ml/alice", { type: "iam-user", name: "alice" }],
    ["arn:aws:iam::123456789012:root", { type: "root" }],
    ["arn:aws:sts::123456789012:federated-user/bob", { type: "federated-user", name: "bob" }],
    ["arn:aws-cn:sts::123456789012:assumed-role/R/s", { type: "assumed-role", name: "R", sessionName: "s" }],
    ["arn:aws-us-gov:iam::123456789012:user/carol", { type: "iam-user", name: "carol" }],
    ["not an arn", { type: "unknown" }],
    ["arn:aws:sts::123456789012:assumed-role/only-role", { type: "unknown" }],
  ])("%s", (arn, expected) => {
    expect(classifyPrincipal(arn)).toEqual(expected);
  });

  it("finds the role and session of any assumed-role ARN", () => {
    const name = fc.stringMatching(/^[\w+=,.@-]{1,64}$/);
    fc.assert(
      fc.property(fc.stringMatching(/^\d{12}$/), name, name, (account, role, session) => {
        const principal = classifyPrincipal(`arn:aws:sts::${account}:assumed-role/${role}/${session}`);
        expect(principal).toEqual({ type: "assumed-role", name: role, sessionName: session });
      }),
    );
  });

  it("never throws, whatever the text", () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        expect(classifyPrincipal(text).type).toBeTypeOf("string");
      }),
    );
  });
});

describe("parseRoleRef", () => {
  it("takes a role name", () => {
    expect(parseRoleRef("HyperPodExecutionRole")).toEqual({ name: "HyperPodExecutionRole" });
  });
  it("takes a role ARN with a path", () => {
    expect(
      parseRoleRef("arn:aws:iam::123456789012:role/service-role/AmazonSageMaker-ExecutionRole-1"),
    ).toEqual({
      name: "AmazonSageMaker-ExecutionRole-1",
      account: "123456789012",
    });
  });
  it.each(["", "has space", "arn:aws:s3:::bucket", "arn:aws:iam::123456789012:user/alice", "x".repeat(65)])(
    "refuses %j",
    (text) => {
      expect(parseRoleRef(text)).toBeUndefined();
    },
  );
});
