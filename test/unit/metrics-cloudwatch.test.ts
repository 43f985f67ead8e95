import { CloudWatchClient, PutMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it } from "vitest";
import type { CloudWatchPort, InstanceProfile, MetricDatum } from "../../src/context";
import type { DiagnoseResult, DiagnoseSummary, NodeSummary } from "../../src/contract/diagnose";
import { nodeHealthData } from "../../src/metrics/model/node-health-data";
import { publishNodeHealth } from "../../src/metrics/publish-cloudwatch";
import { openImdsSession } from "../../src/system/imds-session";
import { createCloudWatchPort } from "../../src/system/cloudwatch";
import { fakeContext } from "../support/fake-context";

const AT = new Date("2026-11-23T12:00:00Z");
const counts = { pass: 9, warn: 1, fail: 0, skip: 2, error: 0 };
const healthy: DiagnoseSummary = { status: "healthy", ...counts };
const unhealthy: DiagnoseSummary = { status: "unhealthy", ...counts, fail: 2 };
const unknown: DiagnoseSummary = { status: "unknown", ...counts, error: 1 };

const NODE: NodeSummary = {
  cluster: "ml-cluster",
  clusterArn: "arn:aws:sagemaker:eu-west-1:123456789012:cluster/aa11bbbbb222",
  clusterId: "aa11bbbbb222",
  group: "worker-group-1",
  instanceId: "i-0worker00000001",
  instanceName: "worker1",
  instanceType: "ml.p5.48xlarge",
  role: "compute",
  controllerGroup: "controller-machine",
  controllerAddress: "10.1.10.10",
  resourceConfig: "/opt/ml/config/resource_config.json",
};

const report = (summary: DiagnoseSummary, node: NodeSummary | null = NODE): DiagnoseResult => ({
  schemaVersion: 1,
  summary,
  checks: [],
  node,
});

describe("the metric data hpiam metrics --cloudwatch sends", () => {
  it("NodeHealthy is 1 only for a healthy node (unknown is 0); FailingChecks counts the failed checks", () => {
    const node = { clusterName: "ml-cluster", instanceId: "i-1" };
    const values = (summary: DiagnoseSummary) =>
      nodeHealthData(summary, node, AT).map((datum) => [datum.name, datum.value]);
    expect(values(healthy)).toEqual([
      ["NodeHealthy", 1],
      ["FailingChecks", 0],
    ]);
    expect(values(unhealthy)).toEqual([
      ["NodeHealthy", 0],
      ["FailingChecks", 2],
    ]);
    expect(values(unknown)).toEqual([
      ["NodeHealthy", 0],
      ["FailingChecks", 0],
    ]);
  });

  it("names the node by ClusterName and InstanceId, at the run's time", () => {
    const [datum] = nodeHealthData(healthy, { clusterName: "ml-cluster", instanceId: "i-1" }, AT);
    expect(datum).toEqual({
      name: "NodeHealthy",
      value: 1,
      unit: "None",
      timestamp: AT,
      dimensions: [
        { name: "ClusterName", value: "ml-cluster" },
        { name: "InstanceId", value: "i-1" },
      ],
    });
  });
});

function publishing(
  instanceProfile: InstanceProfile,
  answer: Awaited<ReturnType<CloudWatchPort["putMetricData"]>>,
) {
  const sent: Array<{ namespace: string; data: readonly MetricDatum[]; region: string }> = [];
  const ctx = fakeContext({
    instanceProfile,
    cloudwatch: {
      putMetricData: async (namespace, data, { region }) => {
        sent.push({ namespace, data, region });
        return answer;
      },
    },
  });
  return { ctx, sent };
}

const IMDS: InstanceProfile = {
  reachable: true,
  roleName: "Exec",
  instanceId: "i-0fromimds",
  region: "us-west-2",
};
const OK = { ok: true, value: undefined } as const;

describe("publishNodeHealth", () => {
  it("sends this node's resource_config.json names to HyperPod/NodeIdentity in the instance's Region", async () => {
    const { ctx, sent } = publishing(IMDS, OK);
    const published = await publishNodeHealth(report(unhealthy), { cloudwatch: true }, ctx);
    expect(published).toEqual({
      result: "published",
      namespace: "HyperPod/NodeIdentity",
      region: "us-west-2",
      node: { clusterName: "ml-cluster", instanceId: "i-0worker00000001" },
      values: { NodeHealthy: 0, FailingChecks: 2 },
    });
    expect(sent.map((s) => [s.namespace, s.region, s.data.length])).toEqual([
      ["HyperPod/NodeIdentity", "us-west-2", 2],
    ]);
  });

  it("falls back to IMDS's instance id off resource_config.json, and takes --namespace and --region", async () => {
    const { ctx, sent } = publishing(IMDS, OK);
    await publishNodeHealth(
      report(healthy, null),
      { cloudwatch: true, namespace: "Team/Nodes", region: "ap-south-1" },
      ctx,
    );
    expect(sent[0]?.namespace).toBe("Team/Nodes");
    expect(sent[0]?.region).toBe("ap-south-1");
    expect(sent[0]?.data[0]?.dimensions).toEqual([{ name: "InstanceId", value: "i-0fromimds" }]);
  });

  it("takes the Region from the cluster's ARN when IMDS does not say", async () => {
    const { ctx, sent } = publishing({ reachable: false, error: "timeout" }, OK);
    await publishNodeHealth(report(healthy), { cloudwatch: true }, ctx);
    expect(sent[0]?.region).toBe("eu-west-1");
  });

  it("sends nothing when neither the file nor IMDS says which instance this is", async () => {
    const { ctx, sent } = publishing({ reachable: false, error: "timeout" }, OK);
    const published = await publishNodeHealth(report(healthy, null), { cloudwatch: true }, ctx);
    expect(published).toMatchObject({ result: "failed", message: /nothing sent: .*which instance/ });
    expect(sent).toEqual([]);
  });

  it.each([
    [
      {
        name: "AccessDenied",
        message: "User is not authorized to perform: cloudwatch:PutMetricData",
        httpStatus: 403,
      },
      /access denied/,
      /cloudwatch:PutMetricData in HyperPod\/NodeIdentity: hpiam policy node-metrics/,
    ],
    [
      { name: "CredentialsProviderError", message: "IMDS is disabled" },
      /no instance role keys from IMDS \(IMDS is disabled\)/,
      /only with the instance role's keys/,
    ],
    [
      { name: "Error", message: "connect ECONNREFUSED", networkCode: "ECONNREFUSED" },
      /could not be reached/,
      /network access to CloudWatch in us-west-2/,
    ],
  ])("a refusal is one line of why and one of what to do (%j)", async (error, message, hint) => {
    const { ctx } = publishing(IMDS, { ok: false, error });
    const published = await publishNodeHealth(report(healthy), { cloudwatch: true }, ctx);
    expect(published).toMatchObject({
      result: "failed",
      message: expect.stringMatching(message),
      hint: expect.stringMatching(hint),
    });
    if (published.result === "failed") expect(`${published.message}${published.hint}`).not.toContain("\n");
  });
});

describe("the CloudWatch adapter", () => {
  const cloudwatch = mockClient(CloudWatchClient);
  afterEach(() => cloudwatch.reset());
  const log = { debug: () => {}, info: () => {} };

  it("sends nothing, and never falls back to the chain, when IMDS gives no instance role keys", async () => {
    cloudwatch.on(PutMetricDataCommand).resolves({});
    const port = createCloudWatchPort(
      { AWS_EC2_METADATA_DISABLED: "true", AWS_ACCESS_KEY_ID: "AKIAEXAMPLEUSERKEY1" },
      log,
      openImdsSession(),
    );
    const answer = await port.putMetricData(
      "HyperPod/NodeIdentity",
      nodeHealthData(healthy, { instanceId: "i-1" }, AT),
      {
        region: "us-west-2",
      },
    );
    expect(answer).toEqual({
      ok: false,
      error: { name: "CredentialsProviderError", message: "IMDS is disabled" },
    });
    expect(cloudwatch.commandCalls(PutMetricDataCommand)).toHaveLength(0);
  });
});
