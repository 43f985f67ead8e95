import { describe, expect, it } from "vitest";
import { runHpiamInProcess } from "../support/cli";
import { parsePolicy } from "../../src/iam/model/document";
import { trusts } from "../../src/iam/model/evaluate";
import { fakeContext } from "../support/fake-context";

async function run(argv: string[]) {
  const ctx = fakeContext({});
  return { ...(await runHpiamInProcess(argv, ctx)), logged: ctx.logged };
}

const EKS_NODE_ARNS = [
  "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy",
  "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly",
  "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy",
];

describe("hpiam policy, the EKS roles and optional statements of HyperPod IAM Policies", () => {
  it.each([
    ["eks-cluster-trust", "eks.amazonaws.com"],
    ["eks-node-trust", "ec2.amazonaws.com"],
  ])("%s lets %s assume the role, and nothing else", async (name, service) => {
    const result = await run(["policy", name]);
    expect(result.exitCode).toBe(0);
    const parsed = parsePolicy(result.stdout, name);
    if (!parsed.ok) throw new Error(parsed.error);
    expect(trusts([parsed.policy], service).decision).toBe("allowed");
    expect(trusts([parsed.policy], "sagemaker.amazonaws.com").decision).toBe("implicit-deny");
  });

  it("names on stderr the managed policies to attach with the document, and lists them alone with --attach", async () => {
    const document = await run(["policy", "eks-node-trust"]);
    expect(document.logged).toEqual(
      EKS_NODE_ARNS.map(
        (arn) =>
          `hpiam: attach to the role too: aws iam attach-role-policy --role-name <ROLE> --policy-arn ${arn}`,
      ),
    );
    const attach = await run(["policy", "eks-node-trust", "--attach"]);
    expect(attach.stdout).toBe(EKS_NODE_ARNS.map((arn) => `${arn}\n`).join(""));
    expect(attach.logged).toEqual([]);
    const json = JSON.parse((await run(["policy", "eks-cluster-trust", "--attach", "--json"])).stdout);
    expect(json).toEqual({
      schemaVersion: 1,
      kind: "attach",
      name: "eks-cluster-trust",
      attach: ["arn:aws:iam::aws:policy/AmazonEKSClusterPolicy"],
    });
  });

  it("--attach of a document with no managed policy prints nothing and says so", async () => {
    const result = await run(["policy", "fsx", "--attach"]);
    expect(result).toMatchObject({ exitCode: 0, stdout: "" });
    expect(result.logged).toEqual(["hpiam: fsx comes with no managed policy to attach"]);
  });

  it("the execution and node roles come with the managed policies that document attaches to them", async () => {
    expect((await run(["policy", "execution-trust", "--attach"])).stdout).toBe(
      "arn:aws:iam::aws:policy/AmazonSageMakerFullAccess\n",
    );
    expect((await run(["policy", "node-trust", "--attach"])).stdout).toBe(
      "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore\n",
    );
  });

  it("fsx is that document's FSxAccess statement", async () => {
    expect(JSON.parse((await run(["policy", "fsx"])).stdout)).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "FSxAccess",
          Effect: "Allow",
          Action: ["fsx:DescribeFileSystems", "fsx:DescribeDataRepositoryAssociations"],
          Resource: "*",
        },
      ],
    });
  });

  it("s3-scoped takes its bucket from --data-bucket and its Region from --region", async () => {
    const filled = await run(["policy", "s3-scoped", "--data-bucket", "my-data", "--region", "us-west-2"]);
    expect(JSON.parse(filled.stdout).Statement[0]).toMatchObject({
      Sid: "S3ScopedAccess",
      Resource: "arn:aws:s3:::my-data/*",
      Condition: { StringEquals: { "aws:RequestedRegion": "us-west-2" } },
    });
    expect(filled.logged).toEqual([]);
    // StringEquals with `*` would match no Region: without --region the marker stays, and stderr says so.
    const unfilled = await run(["policy", "s3-scoped", "--data-bucket", "my-data"]);
    expect(JSON.parse(unfilled.stdout).Statement[0].Condition).toEqual({
      StringEquals: { "aws:RequestedRegion": "<<REQUESTED_REGION>>" },
    });
    expect(unfilled.logged).toEqual([
      "hpiam: <<REQUESTED_REGION>> is left in the policy: give --region to fill it",
    ]);
  });

  it("--list shows the new names, the flags they take and how many managed policies go with them", async () => {
    const list = (await run(["policy", "--list"])).stdout;
    expect(list).toMatch(
      /^ {2}eks-cluster-trust +trust policy of the EKS cluster role.*\(HyperPod IAM Policies; attach 1 managed\)$/m,
    );
    expect(list).toMatch(/^ {2}eks-node-trust +.*\(HyperPod IAM Policies; attach 3 managed\)$/m);
    expect(list).toMatch(/^ {2}fsx +FSx for Lustre access.*\(HyperPod IAM Policies\)$/m);
    expect(list).toMatch(/^ {2}s3-scoped +.*\(HyperPod IAM Policies; --data-bucket --region\)$/m);
  });

  it("refuses a bad flag with --attach too", async () => {
    const result = await run(["policy", "eks-node-trust", "--attach", "--account", "12"]);
    expect(result.exitCode).toBe(2);
    expect(result.stdout).toBe("");
  });
});
