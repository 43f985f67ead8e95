import { DescribeClusterCommand as DescribeEksCluster, EKSClient } from "@aws-sdk/client-eks";
import { DescribeClusterCommand, SageMakerClient } from "@aws-sdk/client-sagemaker";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it } from "vitest";
import { refusalOf } from "../../src/iam/model/call-refusal";
import { createEksPort } from "../../src/system/eks";
import { createSageMakerPort } from "../../src/system/sagemaker";

const eks = mockClient(EKSClient);
const sagemaker = mockClient(SageMakerClient);
const log = { debug: () => {}, info: () => {} };
const aws = { region: "us-west-2" };
const EKS_ARN = "arn:aws:eks:us-west-2:123456789012:cluster/hp-eks";

afterEach(() => {
  eks.reset();
  sagemaker.reset();
});

describe("from a HyperPod cluster to its EKS cluster role", () => {
  it("SageMaker's DescribeCluster names the EKS cluster that orchestrates it", async () => {
    sagemaker.on(DescribeClusterCommand).resolves({
      ClusterArn: "arn:aws:sagemaker:us-west-2:123456789012:cluster/abc",
      ClusterName: "ml-cluster",
      InstanceGroups: [],
      Orchestrator: { Eks: { ClusterArn: EKS_ARN } },
    });
    const port = createSageMakerPort({}, log, async () => undefined);
    expect(await port.describeCluster("ml-cluster", aws)).toMatchObject({
      ok: true,
      value: { name: "ml-cluster", eksClusterArn: EKS_ARN },
    });
  });

  it("EKS's DescribeCluster names the cluster role", async () => {
    eks.on(DescribeEksCluster, { name: "hp-eks" }).resolves({
      cluster: {
        name: "hp-eks",
        arn: EKS_ARN,
        roleArn: "arn:aws:iam::123456789012:role/HyperPodEKSClusterRole",
      },
    });
    expect(await createEksPort(log).describeCluster("hp-eks", aws)).toEqual({
      ok: true,
      value: {
        name: "hp-eks",
        arn: EKS_ARN,
        roleArn: "arn:aws:iam::123456789012:role/HyperPodEKSClusterRole",
      },
    });
  });

  it("a cluster EKS does not know is not found, never a thrown SDK error", async () => {
    eks.on(DescribeEksCluster).rejects(
      Object.assign(new Error("No cluster found for name: nope."), {
        name: "ResourceNotFoundException",
        $metadata: { httpStatusCode: 404 },
      }),
    );
    const answer = await createEksPort(log).describeCluster("nope", aws);
    if (answer.ok) throw new Error("expected a failed call");
    expect(refusalOf(answer.error, "eks:DescribeCluster")).toMatchObject({ kind: "not-found" });
  });
});
