import { describe, expect, it } from "vitest";
import { refusalOf } from "../../src/iam/model/call-refusal";
import { unusedName } from "../../src/iam/model/execution-role-audit";
import { trustFixCommand } from "../../src/iam/model/role-finding";

describe("refusalOf", () => {
  it.each([
    [{ name: "AccessDenied", message: "x" }, "denied", "needs iam:GetRole"],
    [
      { name: "Other", message: "User: u is not authorized to perform: iam:GetRole on resource" },
      "denied",
      "needs iam:GetRole",
    ],
    [{ name: "NoSuchEntity", message: "Role R not found" }, "not-found", "not found"],
    [{ name: "ValidationException", message: "Could not find cluster 'x'." }, "not-found", "not found"],
    [
      { name: "Error", message: "html", httpStatus: 500 },
      "unavailable",
      "GetRole failed: the endpoint answered 500",
    ],
    [{ name: "TimeoutError", message: "t" }, "unavailable", "the AWS endpoint could not be reached"],
  ])("%j → %s", (error, kind, message) => {
    expect(refusalOf(error, "iam:GetRole")).toEqual({ kind, permission: "iam:GetRole", message });
  });
});

describe("the fixes the IAM checks print", () => {
  it("never reuse the name of a policy the role has", () => {
    expect(unusedName("P", [])).toBe("P");
    expect(unusedName("P", ["P", "P2"])).toBe("P3");
  });

  it("keep the statements a trust policy has when they add one", () => {
    const current = encodeURIComponent(
      JSON.stringify({
        Version: "2012-10-17",
        Statement: { Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" },
      }),
    );
    const add = {
      Effect: "Allow" as const,
      Principal: { Service: "sagemaker.amazonaws.com" },
      Action: "sts:AssumeRole",
    };
    const command = trustFixCommand("R", current, add);
    const document = JSON.parse(/'(.*)'$/.exec(command)?.[1] ?? "") as {
      Statement: Array<{ Principal: { Service: string } }>;
    };
    expect(command).toMatch(/^aws iam update-assume-role-policy --role-name R --policy-document '/);
    expect(document.Statement.map((s) => s.Principal.Service)).toEqual([
      "ec2.amazonaws.com",
      "sagemaker.amazonaws.com",
    ]);
  });
});
