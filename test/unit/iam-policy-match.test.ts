import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { matchAction, matchResource } from "../../src/iam/model/match";
import { ROLE } from "../support/policy-document";

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
