import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { evaluate, trusts } from "../../src/iam/model/evaluate";
import { policy, ROLE } from "../support/policy-document";

describe("evaluate", () => {
  const allowAll = policy({ Effect: "Allow", Action: "*", Resource: "*" }, "managed Admin");

  it("allows what a statement grants and nothing else (implicit deny)", () => {
    const p = policy({ Sid: "S3", Effect: "Allow", Action: ["s3:GetObject"], Resource: "arn:aws:s3:::b/*" });
    expect(evaluate([p], "s3:GetObject", "arn:aws:s3:::b/k")).toEqual({
      decision: "allowed",
      conditional: false,
      statements: [{ source: "inline test", sid: "S3", effect: "Allow", conditional: false }],
    });
    expect(evaluate([p], "s3:PutObject", "arn:aws:s3:::b/k").decision).toBe("implicit-deny");
    expect(evaluate([p], "s3:GetObject", "arn:aws:s3:::other/k").decision).toBe("implicit-deny");
    expect(evaluate([], "s3:GetObject", "*").decision).toBe("implicit-deny");
  });

  it("lets an explicit Deny win over any Allow, in any policy", () => {
    const deny = policy({ Effect: "Deny", Action: "ssm:StartSession", Resource: "*" }, "inline Deny");
    const result = evaluate([allowAll, deny], "ssm:StartSession", "arn:aws:ssm:us-west-2:1:document/x");
    expect(result.decision).toBe("denied");
    expect(result.conditional).toBe(false);
    expect(result.statements.map((s) => s.source)).toEqual(["managed Admin", "inline Deny"]);
  });

  it("reads NotAction as every action but those", () => {
    const p = policy({ Effect: "Allow", NotAction: ["iam:*", "organizations:*"], Resource: "*" });
    expect(evaluate([p], "ec2:RunInstances", "*").decision).toBe("allowed");
    expect(evaluate([p], "iam:GetRole", ROLE).decision).toBe("implicit-deny");
    const denyAllBut = policy({ Effect: "Deny", NotAction: "sts:GetCallerIdentity", Resource: "*" });
    expect(evaluate([allowAll, denyAllBut], "iam:GetRole", ROLE).decision).toBe("denied");
    expect(evaluate([allowAll, denyAllBut], "sts:GetCallerIdentity", "*").decision).toBe("allowed");
  });

  it("reads NotResource as every resource but those", () => {
    const p = policy({
      Effect: "Deny",
      Action: "s3:*",
      NotResource: ["arn:aws:s3:::mine", "arn:aws:s3:::mine/*"],
    });
    expect(evaluate([allowAll, p], "s3:GetObject", "arn:aws:s3:::mine/k").decision).toBe("allowed");
    expect(evaluate([allowAll, p], "s3:GetObject", "arn:aws:s3:::theirs/k").decision).toBe("denied");
  });

  it("reports conditions as not evaluated instead of guessing", () => {
    const passRole = policy({
      Effect: "Allow",
      Action: "iam:PassRole",
      Resource: "arn:aws:iam::*:role/HyperPod*",
      Condition: { StringEquals: { "iam:PassedToService": "ec2.amazonaws.com" } },
    });
    expect(evaluate([passRole], "iam:PassRole", ROLE)).toMatchObject({
      decision: "allowed",
      conditional: true,
    });
    // An unconditional Allow next to it settles the question.
    expect(evaluate([passRole, allowAll], "iam:PassRole", ROLE)).toMatchObject({
      decision: "allowed",
      conditional: false,
    });
    // A conditional Deny may or may not apply: denied if its condition holds.
    const denyOffVpc = policy({
      Effect: "Deny",
      Action: "*",
      Resource: "*",
      Condition: { StringNotEquals: { "aws:SourceVpc": "vpc-1" } },
    });
    expect(evaluate([allowAll, denyOffVpc], "s3:GetObject", "*")).toMatchObject({
      decision: "denied",
      conditional: true,
    });
  });

  it("treats a resource matched only through a policy variable as conditional", () => {
    const p = policy({
      Effect: "Allow",
      Action: "ssm:TerminateSession",
      Resource: "arn:aws:ssm:*:*:session/${aws:username}-*",
    });
    expect(evaluate([p], "ssm:TerminateSession", "arn:aws:ssm:us-west-2:1:session/bob-0a1")).toMatchObject({
      decision: "allowed",
      conditional: true,
    });
  });

  it("Allow * is allowed for every action and resource, and a Deny * on top denies them all", () => {
    const deny = policy({ Effect: "Deny", Action: "*", Resource: "*" });
    const name = fc.stringMatching(/^[a-z0-9]{1,10}:[A-Za-z]{1,20}$/);
    fc.assert(
      fc.property(name, fc.string(), (action, resource) => {
        expect(evaluate([allowAll], action, resource).decision).toBe("allowed");
        expect(evaluate([allowAll, deny], action, resource).decision).toBe("denied");
      }),
    );
  });

  it("does not depend on the order of the policies", () => {
    const statements = fc.constantFrom(
      { Effect: "Allow", Action: "s3:*", Resource: "*" },
      { Effect: "Deny", Action: "s3:PutObject", Resource: "*" },
      {
        Effect: "Allow",
        Action: "s3:GetObject",
        Resource: "arn:aws:s3:::b/*",
        Condition: { Bool: { x: "y" } },
      },
      { Effect: "Deny", NotAction: "s3:Get*", Resource: "*" },
      { Effect: "Allow", Action: "*", NotResource: "arn:aws:s3:::b/*" },
    );
    fc.assert(
      fc.property(
        fc.array(statements, { maxLength: 5 }),
        fc.constantFrom("s3:GetObject", "s3:PutObject", "ec2:RunInstances"),
        (list, action) => {
          const policies = list.map((s, i) => policy(s, `p${i}`));
          const forward = evaluate(policies, action, "arn:aws:s3:::b/k");
          const backward = evaluate([...policies].reverse(), action, "arn:aws:s3:::b/k");
          expect([backward.decision, backward.conditional]).toEqual([forward.decision, forward.conditional]);
        },
      ),
    );
  });
});

describe("trusts", () => {
  const trust = (statement: unknown) => [policy(statement, "trust")];

  it.each([
    [
      { Effect: "Allow", Principal: { Service: "sagemaker.amazonaws.com" }, Action: "sts:AssumeRole" },
      "allowed",
    ],
    [
      {
        Effect: "Allow",
        Principal: { Service: ["ec2.amazonaws.com", "sagemaker.amazonaws.com"] },
        Action: ["sts:AssumeRole", "sts:TagSession"],
      },
      "allowed",
    ],
    [{ Effect: "Allow", Principal: { Service: "sagemaker.amazonaws.com" }, Action: "sts:*" }, "allowed"],
    [{ Effect: "Allow", Principal: "*", Action: "sts:AssumeRole" }, "allowed"],
    [
      { Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" },
      "implicit-deny",
    ],
    [
      { Effect: "Allow", Principal: { AWS: "arn:aws:iam::1:root" }, Action: "sts:AssumeRole" },
      "implicit-deny",
    ],
    [
      {
        Effect: "Allow",
        Principal: { Service: "sagemaker.amazonaws.com" },
        Action: "sts:AssumeRoleWithWebIdentity",
      },
      "implicit-deny",
    ],
  ])("%j → %s", (statement, decision) => {
    expect(trusts(trust(statement), "sagemaker.amazonaws.com").decision).toBe(decision);
  });

  it("lets a Deny for the service win, and marks a conditional trust", () => {
    const allow = { Effect: "Allow", Principal: { Service: "ssm.amazonaws.com" }, Action: "sts:AssumeRole" };
    const deny = { Effect: "Deny", Principal: { Service: "ssm.amazonaws.com" }, Action: "sts:AssumeRole" };
    expect(trusts(trust([allow, deny]), "ssm.amazonaws.com").decision).toBe("denied");
    const conditional = { ...allow, Condition: { StringEquals: { "aws:SourceAccount": "1" } } };
    expect(trusts(trust(conditional), "ssm.amazonaws.com")).toMatchObject({
      decision: "allowed",
      conditional: true,
    });
  });
});
