import { describe, expect, it } from "vitest";
import { eksClusterRole } from "../../src/iam/eks-cluster-role-check";
import { eksNodeRole } from "../../src/iam/eks-node-role-check";
import { diagnose } from "../../src/diagnose/diagnose";
import type { EksPort, SageMakerPort } from "../../src/context";
import { fakeContext, failure, type FakeOptions } from "../support/fake-context";
import { ACCOUNT, iamWith, onNode, run, catalog } from "../support/iam-check-context";

const aws = (name: string) => `arn:aws:iam::aws:policy/${name}`;
const ALLOWED = { Version: "2012-10-17", Statement: [] };
const EKS_CLUSTER = `arn:aws:eks:eu-west-1:${ACCOUNT}:cluster/hp-eks`;
const NODE_POLICIES = [
  "AmazonEKSWorkerNodePolicy",
  "AmazonEC2ContainerRegistryReadOnly",
  "AmazonEKS_CNI_Policy",
];

/** IAM with the EKS cluster and node roles made as "HyperPod IAM Policies" makes them, less what `without` names. */
function eksIam(without: string[] = [], clusterTrust = catalog("eks-cluster-trust")) {
  const managed = (names: string[]) =>
    Object.fromEntries(names.filter((n) => !without.includes(n)).map((n) => [aws(n), ALLOWED]));
  return iamWith({
    HyperPodEKSClusterRole: { trust: clusterTrust, managed: managed(["AmazonEKSClusterPolicy"]) },
    HyperPodEKSNodeRole: { trust: catalog("eks-node-trust"), managed: managed(NODE_POLICIES) },
  });
}

const flags = { iam: true, eksClusterRole: "HyperPodEKSClusterRole", eksNodeRole: "HyperPodEKSNodeRole" };

/** A HyperPod cluster orchestrated by EKS, and the EKS cluster's own description. */
function eksOrchestrated(eks: Partial<EksPort> = {}): FakeOptions {
  const sagemaker: Partial<SageMakerPort> = {
    describeCluster: async (name) => ({
      ok: true,
      value: {
        arn: `arn:aws:sagemaker:eu-west-1:${ACCOUNT}:cluster/abc`,
        name,
        groups: [],
        eksClusterArn: EKS_CLUSTER,
      },
    }),
  };
  return { ...onNode, iam: eksIam(), sagemaker, eks };
}

describe("the EKS role checks", () => {
  it("pass the roles of HyperPod IAM Policies: the right service trusted, every managed policy attached", async () => {
    const fake = { ...onNode, iam: eksIam() };
    expect(await run(eksClusterRole, fake, flags)).toMatchObject({
      status: "pass",
      message: "HyperPodEKSClusterRole: trusted by eks.amazonaws.com; AmazonEKSClusterPolicy attached",
      details: { role: { name: "HyperPodEKSClusterRole", from: "flag" }, managed: { missing: [] } },
    });
    expect(await run(eksNodeRole, fake, flags)).toMatchObject({
      status: "pass",
      message: `HyperPodEKSNodeRole: trusted by ec2.amazonaws.com; ${NODE_POLICIES.join(", ")} attached`,
    });
  });

  it("fail a role missing a managed policy, with the exact attach-role-policy command", async () => {
    const fake = { ...onNode, iam: eksIam(["AmazonEKSClusterPolicy", "AmazonEKS_CNI_Policy"]) };
    expect(await run(eksClusterRole, fake, flags)).toMatchObject({
      status: "fail",
      message: "HyperPodEKSClusterRole: AmazonEKSClusterPolicy not attached",
      remediation:
        "aws iam attach-role-policy --role-name HyperPodEKSClusterRole --policy-arn arn:aws:iam::aws:policy/AmazonEKSClusterPolicy",
    });
    expect(await run(eksNodeRole, fake, flags)).toMatchObject({
      status: "fail",
      message: "HyperPodEKSNodeRole: AmazonEKS_CNI_Policy not attached",
      remediation:
        "aws iam attach-role-policy --role-name HyperPodEKSNodeRole --policy-arn arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy",
    });
  });

  it("does not take a customer managed policy of the same name for the AWS one", async () => {
    const iam = iamWith({
      R: { trust: catalog("eks-cluster-trust"), managed: { AmazonEKSClusterPolicy: ALLOWED } },
    });
    const outcome = await run(eksClusterRole, { ...onNode, iam }, { iam: true, eksClusterRole: "R" });
    expect(outcome.message).toBe("R: AmazonEKSClusterPolicy not attached");
  });

  it("fail a cluster role EKS may not assume, with an update-assume-role-policy that keeps its statements", async () => {
    const fake = { ...onNode, iam: eksIam([], catalog("eks-node-trust")) };
    const outcome = await run(eksClusterRole, fake, flags);
    expect(outcome).toMatchObject({
      status: "fail",
      message: "HyperPodEKSClusterRole: its trust policy does not let eks.amazonaws.com sts:AssumeRole",
      details: { trustStatementToAdd: catalog("eks-cluster-trust").Statement[0] },
    });
    const both = {
      Version: "2012-10-17",
      Statement: [...catalog("eks-node-trust").Statement, ...catalog("eks-cluster-trust").Statement],
    };
    expect(outcome.remediation).toBe(
      `aws iam update-assume-role-policy --role-name HyperPodEKSClusterRole --policy-document '${JSON.stringify(both)}'`,
    );
  });

  it("find the cluster role from --cluster: SageMaker names the EKS cluster, EKS names its role", async () => {
    const asked: Array<[string, string | undefined]> = [];
    const fake = eksOrchestrated({
      describeCluster: async (name, options) => {
        asked.push([name, options.region]);
        return {
          ok: true,
          value: { arn: EKS_CLUSTER, name, roleArn: `arn:aws:iam::${ACCOUNT}:role/HyperPodEKSClusterRole` },
        };
      },
    });
    const outcome = await run(eksClusterRole, fake, { iam: true, cluster: "ml-cluster" });
    expect(asked).toEqual([["hp-eks", "eu-west-1"]]);
    expect(outcome).toMatchObject({
      status: "pass",
      details: { role: { name: "HyperPodEKSClusterRole", from: "eks-cluster", eksCluster: EKS_CLUSTER } },
    });
  });

  it("skip naming eks:DescribeCluster when EKS refuses to describe the cluster", async () => {
    const outcome = await run(eksClusterRole, eksOrchestrated(), { iam: true, cluster: "ml-cluster" });
    expect(outcome).toMatchObject({
      status: "skip",
      message: "EKS cluster hp-eks: needs eks:DescribeCluster",
      remediation: "hpiam diagnose --iam --eks-cluster-role NAME",
      details: { permission: "eks:DescribeCluster" },
    });
  });

  it("skip a Slurm cluster, and a role that IAM refuses to read, naming the permission", async () => {
    const slurm: FakeOptions = {
      ...onNode,
      sagemaker: { describeCluster: async (name) => ({ ok: true, value: { arn: "a", name, groups: [] } }) },
    };
    expect(await run(eksClusterRole, slurm, { iam: true, cluster: "ml-cluster" })).toMatchObject({
      status: "skip",
      message: "cluster ml-cluster is not orchestrated by EKS",
    });
    expect(await run(eksNodeRole, onNode, flags)).toMatchObject({
      status: "skip",
      message: "HyperPodEKSNodeRole: needs iam:GetRole",
      remediation: "from a principal with IAM read: hpiam diagnose --iam --eks-node-role HyperPodEKSNodeRole",
    });
  });

  it("skip when not asked or no role is named, and fail a role that does not exist", async () => {
    expect(await run(eksNodeRole, onNode, {})).toMatchObject({ status: "skip", message: /^not asked/ });
    expect(await run(eksNodeRole, onNode, { iam: true })).toMatchObject({
      status: "skip",
      message: "no EKS node group role named: --eks-node-role NAME",
    });
    const missing = await run(eksNodeRole, { ...onNode, iam: eksIam() }, { eksNodeRole: "Gone" });
    expect(missing).toMatchObject({ status: "fail", message: "role Gone does not exist" });
  });

  it("refuses a malformed --eks-node-role before any check runs", async () => {
    const error = await failure(diagnose({ eksNodeRole: "arn:aws:s3:::bucket" }, fakeContext({})));
    expect(error.exitCode).toBe(2);
    expect(error.message).toBe(
      '--eks-node-role: "arn:aws:s3:::bucket" is neither a role name nor a role ARN',
    );
  });
});
