import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type PolicyDocument, parsePolicy } from "../../src/domain/iam-policy/document";
import { evaluate, trusts } from "../../src/domain/iam-policy/evaluate";
import { matchAction, matchResource } from "../../src/domain/iam-policy/match";

function policy(statement: unknown, source = "inline test"): PolicyDocument {
  const parsed = parsePolicy({ Version: "2012-10-17", Statement: statement }, source);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.policy;
}

const ROLE = "arn:aws:iam::123456789012:role/HyperPodNodeRole";

describe("parsePolicy", () => {
  const doc = {
    Version: "2012-10-17",
    Statement: { Effect: "Allow", Action: "s3:GetObject", Resource: "*" },
  };

  it("reads JSON text, URL-encoded JSON as IAM returns it, and objects alike", () => {
    const expected = {
      ok: true,
      policy: { source: "x", statements: [{ effect: "Allow", action: ["s3:GetObject"], resource: ["*"] }] },
    };
    expect(parsePolicy(JSON.stringify(doc), "x")).toEqual(expected);
    expect(parsePolicy(encodeURIComponent(JSON.stringify(doc)), "x")).toEqual(expected);
    expect(parsePolicy(doc, "x")).toEqual(expected);
  });

  it("keeps Sid, NotAction, NotResource, Principal and Condition", () => {
    const parsed = parsePolicy(
      {
        Statement: [
          {
            Sid: "Trust",
            Effect: "Deny",
            NotAction: ["iam:*"],
            NotResource: "arn:aws:s3:::b",
            Principal: "*",
            Condition: { Bool: { "aws:SecureTransport": "false" } },
          },
        ],
      },
      "x",
    );
    expect(parsed).toMatchObject({
      ok: true,
      policy: {
        statements: [
          {
            sid: "Trust",
            effect: "Deny",
            notAction: ["iam:*"],
            notResource: ["arn:aws:s3:::b"],
            principal: { "*": ["*"] },
            condition: { Bool: { "aws:SecureTransport": "false" } },
          },
        ],
      },
    });
  });

  it.each([
    ["not json {", /not JSON/],
    [[1, 2], /not a JSON object/],
    [{ Statement: [{ Effect: "Maybe", Action: "*", Resource: "*" }] }, /Statement 0: Effect/],
    [{ Statement: { Effect: "Allow", Action: 3, Resource: "*" } }, /Action must be a string/],
    [{ Statement: { Effect: "Allow", Action: "*", NotAction: "*", Resource: "*" } }, /both Action/],
    [{ Statement: { Effect: "Allow", Resource: "*" } }, /neither Action/],
    [{ Statement: { Effect: "Allow", Action: "*", Principal: 7 } }, /Principal must be/],
  ])("refuses %j with a reason", (input, reason) => {
    const parsed = parsePolicy(input, "x");
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error).toMatch(reason);
  });

  it("never throws, whatever the text", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json()), (text) => {
        expect(typeof parsePolicy(text, "x").ok).toBe("boolean");
      }),
    );
  });
});

describe("wildcard matching", () => {
  it.each([
    ["s3:GetObject", "s3:GetObject", true],
    ["s3:getobject", "S3:GetObject", true],
    ["s3:Get*", "s3:GetObjectAcl", true],
    ["s3:Get?bject", "s3:GetObject", true],
    ["s3:Get?bject", "s3:GetOObject", false],
    ["*", "ssm:StartSession", true],
    ["ec2:Describe*", "ec2:RunInstances", false],
    ["s3:GetObject", "s3:GetObjectAcl", false],
  ])("action %s ~ %s → %s", (pattern, action, expected) => {
    expect(matchAction(pattern, action)).toBe(expected);
  });

  it.each([
    ["*", ROLE, true],
    ["arn:aws:iam::*:role/HyperPod*", ROLE, true],
    ["arn:aws:iam::*:role/hyperpod*", ROLE, false], // resources are case-sensitive
    ["arn:aws:s3:::*hyperpod*", "arn:aws:s3:::my-hyperpod-bucket", true],
    ["arn:aws:s3:::*hyperpod*/*", "arn:aws:s3:::my-hyperpod-bucket/a/b.txt", true],
    [
      "arn:aws:logs:*:*:log-group:/aws/sagemaker/*",
      "arn:aws:logs:us-west-2:1:log-group:/aws/sagemaker/x:log-stream:y",
      true,
    ],
    ["arn:aws:ssm:us-?est-2:*:session/*", "arn:aws:ssm:us-west-2:1:session/s-1", true],
    ["arn:aws:iam::1*2:role/R", "arn:aws:iam::1:x:2:role/R", false], // a mid-segment * stays in its segment
    ["arn:aws:*", "arn:aws:iam::1:role/R", true], // a * that ends a segment reaches past the colons
  ])("resource %s ~ %s → %s", (pattern, resource, expected) => {
    expect(matchResource(pattern, resource).matches).toBe(expected);
  });

  it("matches a policy variable as a wildcard and says so", () => {
    expect(
      matchResource("arn:aws:ssm:*:1:session/${aws:username}-*", "arn:aws:ssm:us-west-2:1:session/bob-1"),
    ).toEqual({
      matches: true,
      variable: true,
    });
    expect(matchResource("arn:aws:s3:::a${*}b", "arn:aws:s3:::a*b")).toEqual({
      matches: true,
      variable: false,
    });
    expect(matchResource("arn:aws:s3:::a${*}b", "arn:aws:s3:::axb").matches).toBe(false);
  });

  it("a pattern with no wildcard matches exactly itself", () => {
    const literal = fc.stringMatching(/^[A-Za-z0-9:/._-]{1,40}$/);
    fc.assert(
      fc.property(literal, literal, (a, b) => {
        expect(matchResource(a, b).matches).toBe(a === b);
        expect(matchAction(a, b)).toBe(a.toLowerCase() === b.toLowerCase());
      }),
    );
  });

  it("`*` matches every action and every resource", () => {
    fc.assert(
      fc.property(fc.string(), (value) => {
        expect(matchAction("*", value)).toBe(true);
        expect(matchResource("*", value).matches).toBe(true);
      }),
    );
  });

  it("a prefix followed by `*` matches every extension of that prefix", () => {
    const text = fc.stringMatching(/^[A-Za-z0-9/._-]{0,20}$/);
    fc.assert(
      fc.property(text, text, (prefix, rest) => {
        expect(matchResource(`arn:aws:s3:::${prefix}*`, `arn:aws:s3:::${prefix}${rest}`).matches).toBe(true);
      }),
    );
  });
});

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
