import {
  BatchRebootClusterNodesCommand,
  DescribeClusterCommand,
  ListClusterNodesCommand,
  SageMakerClient,
} from "@aws-sdk/client-sagemaker";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it } from "vitest";
import { createSageMakerPort } from "../../src/system/sagemaker";

const sagemaker = mockClient(SageMakerClient);
const log = { debug: () => {}, info: () => {} };
const port = createSageMakerPort({}, log, async () => "eu-west-1");
const aws = { region: "us-west-2" };
const ARN = "arn:aws:sagemaker:us-west-2:123456789012:cluster/aa11bbbbb222";

afterEach(() => {
  sagemaker.reset();
});

describe("the SageMaker adapter", () => {
  it("reduces DescribeCluster to the cluster's ARN, name and groups with their Slurm node types", async () => {
    sagemaker.on(DescribeClusterCommand, { ClusterName: "ml-cluster" }).resolves({
      ClusterArn: ARN,
      ClusterName: "ml-cluster",
      ClusterStatus: "InService",
      InstanceGroups: [
        { InstanceGroupName: "head-nodes", SlurmConfig: { NodeType: "Controller" } },
        { InstanceGroupName: "worker-group-1" },
      ],
    });
    expect(await port.describeCluster("ml-cluster", aws)).toEqual({
      ok: true,
      value: {
        arn: ARN,
        name: "ml-cluster",
        status: "InService",
        groups: [{ name: "head-nodes", slurmNodeType: "Controller" }, { name: "worker-group-1" }],
      },
    });
  });

  it("reads every page of ListClusterNodes", async () => {
    sagemaker
      .on(ListClusterNodesCommand, { ClusterName: ARN, InstanceGroupNameContains: "head-nodes" })
      .resolvesOnce({
        NextToken: "page-2",
        ClusterNodeSummaries: [
          {
            InstanceGroupName: "head-nodes",
            InstanceId: "i-1",
            InstanceType: "ml.m5.12xlarge",
            LaunchTime: new Date(),
            InstanceStatus: { Status: "Pending", Message: "replacing a faulty instance" },
          },
        ],
      })
      .resolvesOnce({
        ClusterNodeSummaries: [
          {
            InstanceGroupName: "head-nodes",
            InstanceId: "i-2",
            InstanceType: "ml.m5.12xlarge",
            LaunchTime: new Date(),
            InstanceStatus: { Status: "Running" },
          },
        ],
      });
    expect(await port.listClusterNodes(ARN, "head-nodes", aws)).toEqual({
      ok: true,
      value: [
        {
          groupName: "head-nodes",
          instanceId: "i-1",
          status: "Pending",
          statusMessage: "replacing a faulty instance",
        },
        { groupName: "head-nodes", instanceId: "i-2", status: "Running" },
      ],
    });
  });

  it("says a listing that never ends is one, rather than cutting it short", async () => {
    const page = Array.from({ length: 100 }, (_, i) => ({
      InstanceGroupName: "workers",
      InstanceId: `i-${i}`,
      InstanceType: "ml.m5.12xlarge" as const,
      LaunchTime: new Date(),
      InstanceStatus: { Status: "Running" as const },
    }));
    sagemaker.on(ListClusterNodesCommand).resolves({ NextToken: "more", ClusterNodeSummaries: page });
    expect(await port.listClusterNodes(ARN, undefined, aws)).toMatchObject({
      ok: false,
      error: { message: "ListClusterNodes went on past 50000 nodes without an end" },
    });
  });

  it("asks BatchRebootClusterNodes for the instance ids and says which it took and which it refused", async () => {
    sagemaker.on(BatchRebootClusterNodesCommand, { ClusterName: ARN, NodeIds: ["i-1", "i-2"] }).resolves({
      Successful: ["i-1"],
      Failed: [{ NodeId: "i-2", ErrorCode: "InstanceIdInUse", Message: "already rebooting" }],
    });
    expect(await port.batchRebootClusterNodes(ARN, ["i-1", "i-2"], aws)).toEqual({
      ok: true,
      value: {
        successful: ["i-1"],
        failed: [{ nodeId: "i-2", code: "InstanceIdInUse", message: "already rebooting" }],
      },
    });
  });

  it("answers a failed call with its name and message, never a thrown SDK error", async () => {
    sagemaker.on(DescribeClusterCommand).rejects(
      Object.assign(new Error("Could not find cluster 'nope'."), {
        name: "ValidationException",
        $metadata: { httpStatusCode: 400 },
      }),
    );
    expect(await port.describeCluster("nope", aws)).toEqual({
      ok: false,
      error: { name: "ValidationException", message: "Could not find cluster 'nope'.", httpStatus: 400 },
    });
  });

  it("takes the Region as `aws` does: --region, AWS_REGION, then AWS_DEFAULT_REGION", async () => {
    const both = createSageMakerPort(
      { AWS_REGION: "eu-central-1", AWS_DEFAULT_REGION: "eu-north-1" },
      log,
      async () => "eu-west-1",
    );
    expect(await both.region({ region: "ap-south-1" })).toBe("ap-south-1");
    expect(await both.region({})).toBe("eu-central-1");
    const onlyDefault = createSageMakerPort(
      { AWS_DEFAULT_REGION: "eu-north-1" },
      log,
      async () => "eu-west-1",
    );
    expect(await onlyDefault.region({})).toBe("eu-north-1");
  });
});
