import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ADMIN, apply, check } from "../support/moto-iam";
import { expectNoSecrets, useSimulatedNode } from "../support/simulated-node";

const CLUSTER_ROLE = "HyperPodEKSClusterRole";
const NODE_ROLE = "HyperPodEKSNodeRole";

describe("the EKS roles of HyperPod IAM Policies against moto (with the AWS managed policies)", () => {
  const node = useSimulatedNode({ moto: { managedPolicies: true } });
  /** The real AWS CLI, as the administrator who sets the roles up. */
  const admin = async (args: string[]) => {
    const result = await node.aws(["iam", ...args], ADMIN);
    expect(result.stderr).toBe("");
    expect(result.exitCode).toBe(0);
  };
  /** `hpiam policy ARGS > NAME.json`, as the README shows it. */
  const save = async (args: string[]) => {
    const printed = await node.hpiam(["policy", ...args]);
    expect(printed.exitCode).toBe(0);
    const path = join(node.sandbox.root, `${args.join("-")}.json`);
    await writeFile(path, printed.stdout);
    return `file://${path}`;
  };
  /** A role made from an `hpiam policy` trust, with the managed policies of its `--attach` list but the last one. */
  async function createRoleLackingOne(role: string, trust: string) {
    await admin(["create-role", "--role-name", role, "--assume-role-policy-document", await save([trust])]);
    const arns = (await node.hpiam(["policy", trust, "--attach"])).stdout.trim().split("\n");
    for (const arn of arns.slice(0, -1))
      await admin(["attach-role-policy", "--role-name", role, "--policy-arn", arn]);
    return arns.at(-1);
  }
  const diagnose = (clusterRole: string, nodeRole: string) =>
    node.hpiam([
      "diagnose",
      "--json",
      "--checks",
      "eks-cluster-role,eks-node-role",
      "--eks-cluster-role",
      clusterRole,
      "--eks-node-role",
      nodeRole,
    ]);

  it("fails each role missing a managed policy with the exact attach command, and running it makes both pass", async () => {
    expect(await createRoleLackingOne(CLUSTER_ROLE, "eks-cluster-trust")).toBe(
      "arn:aws:iam::aws:policy/AmazonEKSClusterPolicy",
    );
    expect(await createRoleLackingOne(NODE_ROLE, "eks-node-trust")).toBe(
      "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy",
    );
    const before = await diagnose(CLUSTER_ROLE, NODE_ROLE);
    expect(before.exitCode).toBe(1);
    const cluster = check(before, "eks-cluster-role");
    const nodeGroup = check(before, "eks-node-role");
    expect(cluster).toMatchObject({
      status: "fail",
      message: `${CLUSTER_ROLE}: AmazonEKSClusterPolicy not attached`,
      remediation: `aws iam attach-role-policy --role-name ${CLUSTER_ROLE} --policy-arn arn:aws:iam::aws:policy/AmazonEKSClusterPolicy`,
    });
    expect(nodeGroup).toMatchObject({
      status: "fail",
      message: `${NODE_ROLE}: AmazonEKS_CNI_Policy not attached`,
      remediation: `aws iam attach-role-policy --role-name ${NODE_ROLE} --policy-arn arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy`,
    });
    await apply(node, cluster.remediation);
    await apply(node, nodeGroup.remediation);

    const after = await diagnose(CLUSTER_ROLE, NODE_ROLE);
    expect(check(after, "eks-cluster-role")).toMatchObject({
      status: "pass",
      message: `${CLUSTER_ROLE}: trusted by eks.amazonaws.com; AmazonEKSClusterPolicy attached`,
    });
    expect(check(after, "eks-node-role")).toMatchObject({
      status: "pass",
      message: `${NODE_ROLE}: trusted by ec2.amazonaws.com; AmazonEKSWorkerNodePolicy, AmazonEC2ContainerRegistryReadOnly, AmazonEKS_CNI_Policy attached`,
    });
    expect(after.exitCode).toBe(0);
    expectNoSecrets(node, before, after);
  });

  it("fails a cluster role EKS may not assume, and its update-assume-role-policy makes it pass", async () => {
    await admin([
      "create-role",
      "--role-name",
      "Ec2Trusted",
      "--assume-role-policy-document",
      await save(["eks-node-trust"]),
    ]);
    await admin([
      "attach-role-policy",
      "--role-name",
      "Ec2Trusted",
      "--policy-arn",
      "arn:aws:iam::aws:policy/AmazonEKSClusterPolicy",
    ]);
    const failed = check(await diagnose("Ec2Trusted", "Ec2Trusted"), "eks-cluster-role");
    expect(failed).toMatchObject({
      status: "fail",
      message: "Ec2Trusted: its trust policy does not let eks.amazonaws.com sts:AssumeRole",
    });
    expect(failed.remediation).toMatch(
      /^aws iam update-assume-role-policy --role-name Ec2Trusted --policy-document '/,
    );
    await apply(node, failed.remediation);
    expect(check(await diagnose("Ec2Trusted", "Ec2Trusted"), "eks-cluster-role").status).toBe("pass");
  });

  it("every new `hpiam policy` document is one IAM accepts", async () => {
    await admin([
      "create-role",
      "--role-name",
      "Documents",
      "--assume-role-policy-document",
      await save(["node-trust"]),
    ]);
    for (const [args, policyName] of [
      [["fsx"], "HyperPodFSxPolicy"],
      [["s3-scoped", "--data-bucket", "my-data", "--region", "us-west-2"], "HyperPodS3ScopedPolicy"],
    ] as const) {
      const document = await save([...args]);
      await admin([
        "put-role-policy",
        "--role-name",
        "Documents",
        "--policy-name",
        policyName,
        "--policy-document",
        document,
      ]);
    }
    // moto validates a trust document on update-assume-role-policy (create-role takes it as it is).
    for (const trust of ["eks-cluster-trust", "eks-node-trust"]) {
      await admin([
        "update-assume-role-policy",
        "--role-name",
        "Documents",
        "--policy-document",
        await save([trust]),
      ]);
    }
    const listed = await node.aws(["iam", "list-role-policies", "--role-name", "Documents"], ADMIN);
    expect(JSON.parse(listed.stdout)).toEqual({
      PolicyNames: ["HyperPodFSxPolicy", "HyperPodS3ScopedPolicy"],
    });
  });
});
