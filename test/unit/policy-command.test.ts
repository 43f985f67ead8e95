import { describe, expect, it } from "vitest";
import { runHpiamInProcess } from "../support/cli";
import { parsePolicy } from "../../src/iam/model/document";
import { evaluate, trusts } from "../../src/iam/model/evaluate";
import { fillPolicy, permissionsOf, placeholdersOf, policyFor } from "../../src/iam/model/policy-template";
import { POLICY_CATALOG, POLICY_NAMES } from "../../src/iam/model/policy-catalog";
import { fakeContext, type FakeOptions } from "../support/fake-context";

async function run(argv: string[], options: FakeOptions = {}) {
  const ctx = fakeContext(options);
  return { ...(await runHpiamInProcess(argv, ctx)), logged: ctx.logged };
}

const withIdentity: FakeOptions = {
  identification: {
    identity: { account: "444455556666", arn: "arn:aws:iam::444455556666:user/admin", userId: "AIDAEXAMPLE" },
  },
};

describe("the policy templates of the catalog", () => {
  it.each(POLICY_NAMES)("%s parses as an IAM policy once filled", (name) => {
    const { document, unfilled } = fillPolicy(POLICY_CATALOG[name].document, {
      account: "111122223333",
      roleArn: "arn:aws:iam::111122223333:role/Exec",
      bucket: "scripts",
      dataBucket: "data",
      requestedRegion: "us-west-2",
    });
    expect(unfilled).toEqual([]);
    expect(JSON.stringify(document)).not.toMatch(/<<|>>/);
    expect(parsePolicy(JSON.stringify(document), name).ok).toBe(true);
  });

  it("grants everything it lists: each permission of execution-role evaluates as allowed against it", () => {
    const { document } = fillPolicy(POLICY_CATALOG["execution-role"].document, {});
    const parsed = parsePolicy(document, "execution-role");
    if (!parsed.ok) throw new Error(parsed.error);
    const permissions = permissionsOf(document);
    expect(permissions.length).toBe(22 + 1 + 8 + 5 + 2);
    for (const p of permissions) {
      expect(evaluate([parsed.policy], p.action, p.resource)).toMatchObject({
        decision: "allowed",
        conditional: p.conditional,
      });
    }
  });

  it("ssm-trust trusts both SageMaker and SSM; execution-trust only SageMaker", () => {
    const policy = (name: "ssm-trust" | "execution-trust") => {
      const parsed = parsePolicy(POLICY_CATALOG[name].document, name);
      if (!parsed.ok) throw new Error(parsed.error);
      return [parsed.policy];
    };
    expect(trusts(policy("ssm-trust"), "ssm.amazonaws.com").decision).toBe("allowed");
    expect(trusts(policy("ssm-trust"), "sagemaker.amazonaws.com").decision).toBe("allowed");
    expect(trusts(policy("execution-trust"), "ssm.amazonaws.com").decision).toBe("implicit-deny");
  });

  it("cuts a template down to the missing permissions, keeping Sid and Condition", () => {
    const { document } = fillPolicy(POLICY_CATALOG["execution-role"].document, {});
    const missing = permissionsOf(document).filter((p) =>
      ["ec2:RunInstances", "iam:PassRole"].includes(p.action),
    );
    expect(policyFor(document, missing)).toEqual({
      Version: "2012-10-17",
      Statement: [
        { Sid: "EC2Management", Effect: "Allow", Action: "ec2:RunInstances", Resource: "*" },
        {
          Sid: "IAMPassRole",
          Effect: "Allow",
          Action: "iam:PassRole",
          Resource: "arn:aws:iam::*:role/HyperPod*",
          Condition: { StringEquals: { "iam:PassedToService": "ec2.amazonaws.com" } },
        },
      ],
    });
  });

  it("names the placeholders each template holds", () => {
    expect(placeholdersOf(POLICY_CATALOG["ssm-server"].document)).toEqual(["account", "roleArn", "region"]);
    expect(placeholdersOf(POLICY_CATALOG["execution-trust"].document)).toEqual([]);
  });
});

describe("hpiam policy", () => {
  it("prints only the JSON document on stdout, filled from the flags", async () => {
    const result = await run([
      "policy",
      "node-role",
      "--bucket",
      "my-lifecycle",
      "--data-bucket",
      "my-data",
      "--region",
      "us-west-2",
    ]);
    expect(result.exitCode).toBe(0);
    const document = JSON.parse(result.stdout);
    expect(document.Statement[0].Resource).toEqual([
      "arn:aws:s3:::my-lifecycle",
      "arn:aws:s3:::my-lifecycle/*",
    ]);
    expect(document.Statement[1].Resource).toEqual(["arn:aws:s3:::my-data", "arn:aws:s3:::my-data/*"]);
    expect(document.Statement[2].Resource).toBe("arn:aws:logs:us-west-2:*:log-group:/aws/sagemaker/*");
    expect(result.stderr).toBe("");
  });

  it("takes the account from --role-arn, then from the caller identity", async () => {
    const fromArn = await run(["policy", "ssm-server", "--role-arn", "arn:aws:iam::111122223333:role/Exec"]);
    expect(fromArn.stdout).toContain("arn:aws:ssm:*:111122223333:managed-instance/mi-*");
    const fromSts = await run(["policy", "ssm-client", "--json"], withIdentity);
    const doc = JSON.parse(fromSts.stdout);
    expect(doc).toMatchObject({
      kind: "document",
      name: "ssm-client",
      accountFrom: "caller-identity",
      unfilled: [],
    });
    expect(JSON.stringify(doc.document)).toContain("arn:aws:ssm:*:444455556666:session/*");
    expect(fromSts.logged.join("\n")).toMatch(/account 444455556666 from the caller identity/);
  });

  it("leaves a clear placeholder and says so on stderr when nothing gives the value", async () => {
    const result = await run(["policy", "ssm-server"]);
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(result.stdout).Statement[0].Resource).toBe("<<SAGEMAKER_ROLE_ARN>>");
    expect(result.logged).toEqual([
      "hpiam: <<ACCOUNT_ID>> is left in the policy: give --account to fill it",
      "hpiam: <<SAGEMAKER_ROLE_ARN>> is left in the policy: give --role-arn to fill it",
    ]);
  });

  it("lists the policies with the flags each takes", async () => {
    const result = await run(["policy", "--list", "--json"]);
    const doc = JSON.parse(result.stdout) as { policies: Array<{ name: string; flags: string[] }> };
    expect(doc.policies.map((p) => p.name)).toEqual([...POLICY_NAMES]);
    expect(doc.policies.find((p) => p.name === "node-role")?.flags).toEqual([
      "--bucket",
      "--data-bucket",
      "--region",
    ]);
    expect((await run(["policy", "--list"])).stdout).toMatch(/^ {2}execution-trust/);
  });

  it.each([
    [["policy", "nonsense"], /no policy named "nonsense"[\s\S]*execution-role, node-trust/],
    [["policy"], /name a policy/],
    [["policy", "ssm-client", "--account", "12345"], /--account: "12345" is not an AWS account id/],
    [["policy", "ssm-server", "--role-arn", "arn:aws:iam::1:user/x"], /is not a role ARN/],
    [["policy", "node-role", "--bucket", "s3://b"], /--bucket: "s3:\/\/b" is not an S3 bucket name/],
  ])("refuses %j with exit 2", async (argv, message) => {
    const result = await run(argv);
    expect(result.exitCode).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(message);
  });
});

describe("hpiam policy fleet-admin", () => {
  it("allows what fleet --cluster calls on a cluster of the account, and no session elsewhere", async () => {
    const result = await run(["policy", "fleet-admin", "--account", "111122223333", "--region", "us-west-2"]);
    expect(result.exitCode).toBe(0);
    const parsed = parsePolicy(result.stdout, "fleet-admin");
    if (!parsed.ok) throw new Error(parsed.error);
    const cluster = "arn:aws:sagemaker:us-west-2:111122223333:cluster/aa11bbbbb222";
    const decide = (action: string, resource: string) => evaluate([parsed.policy], action, resource).decision;
    for (const action of [
      "sagemaker:ListClusterNodes",
      "sagemaker:BatchRebootClusterNodes",
      "ssm:StartSession",
    ])
      expect(decide(action, cluster)).toBe("allowed");
    expect(decide("ssm:StartSession", "arn:aws:ssm:us-west-2::document/AWS-StartNonInteractiveCommand")).toBe(
      "allowed",
    );
    expect(
      decide("ssm:StartSession", "arn:aws:ssm:us-west-2::document/AWS-StartInteractiveCommand"),
    ).not.toBe("allowed");
    expect(decide("ssm:StartSession", "arn:aws:ec2:us-west-2:111122223333:instance/i-0123")).not.toBe(
      "allowed",
    );
    expect(decide("sagemaker:DeleteCluster", cluster)).not.toBe("allowed");
  });
});

describe("hpiam policy node-metrics", () => {
  it("allows PutMetricData, and only in hpiam's namespace", async () => {
    const result = await run(["policy", "node-metrics"]);
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(result.stdout).Statement).toEqual([
      {
        Sid: "PublishNodeIdentityMetrics",
        Effect: "Allow",
        Action: "cloudwatch:PutMetricData",
        Resource: "*",
        Condition: { StringEquals: { "cloudwatch:namespace": "HyperPod/NodeIdentity" } },
      },
    ]);
    expect(result.stderr).toBe("");
  });
});
