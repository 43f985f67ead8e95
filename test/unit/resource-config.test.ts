import { describe, expect, it } from "vitest";
import { hyperpodFixture } from "../support/fixtures";
import {
  clusterIdFromArn,
  findSelf,
  NodeFileFormatError,
  parseProvisioningParameters,
  parseResourceConfig,
} from "../../src/node/model/resource-config";

describe("parseResourceConfig", () => {
  const config = parseResourceConfig(hyperpodFixture("resource_config.json"));

  it("reads the cluster and its groups from a real-shaped file", () => {
    expect(config).toMatchObject({ clusterName: "ml-cluster", clusterId: "aa11bbbbb222" });
    expect(config.groups.map((g) => g.name)).toEqual(["controller-machine", "login-group", "worker-group-1"]);
    expect(config.groups[0]?.instances[0]).toEqual({
      instanceName: "controller-machine-1",
      instanceId: "i-0123456789abcdef0",
      customerIp: "10.1.10.10",
      agentIp: "172.16.101.10",
    });
  });

  it("finds this node by instance id, else by address, with its Slurm role", () => {
    const params = parseProvisioningParameters(hyperpodFixture("provisioning_parameters.json"));
    expect(findSelf(config, { instanceId: "i-0123456789abcdef3", ips: [] }, params)).toMatchObject({
      group: { name: "worker-group-1" },
      role: "compute",
    });
    expect(findSelf(config, { ips: ["10.1.20.20"] }, params)?.role).toBe("login");
    expect(findSelf(config, { ips: ["10.9.9.9"] }, params)).toBeUndefined();
  });

  it.each([
    ["", "the file is empty"],
    ["{", "not valid JSON"],
    ["[]", "the document is not an object"],
    ['{"InstanceGroups": {}}', "InstanceGroups is missing or not a list"],
    ['{"InstanceGroups": [{"Name": 7}]}', "InstanceGroups[0].Name is not a string"],
    [
      '{"InstanceGroups": [{"Name": "g", "Instances": [{"InstanceId": "i-1"}]}]}',
      "CustomerIpAddress is missing",
    ],
  ])("explains what is wrong with %j", (text, reason) => {
    expect(() => parseResourceConfig(text)).toThrow(NodeFileFormatError);
    expect(() => parseResourceConfig(text)).toThrow(reason);
  });
});

describe("parseProvisioningParameters", () => {
  it.each([
    ["", "the file is empty"],
    ['{"controller_group": "head', "not valid JSON"],
    ["\u0000\u0001", "not valid JSON"],
    ['"a string"', "the document is not an object"],
    ['{"controller_group": 7}', "controller_group is not a string"],
    ['{"worker_groups": {}}', "worker_groups is not a list"],
    ['{"worker_groups": [{"instance_group_name": 1}]}', "worker_groups[0].instance_group_name"],
  ])("explains what is wrong with %j", (text, reason) => {
    expect(() => parseProvisioningParameters(text)).toThrow(NodeFileFormatError);
    expect(() => parseProvisioningParameters(text)).toThrow(reason);
  });

  it("reads a custom controller group name", () => {
    expect(
      parseProvisioningParameters(hyperpodFixture("provisioning_parameters.custom-controller.json")),
    ).toMatchObject({
      controllerGroup: "head-nodes",
      workerGroups: ["worker-group-1"],
    });
  });
});

describe("clusterIdFromArn", () => {
  it("takes the id, not the name, from a cluster ARN", () => {
    expect(clusterIdFromArn("arn:aws:sagemaker:us-west-2:123456789012:cluster/aa11bbbbb222")).toBe(
      "aa11bbbbb222",
    );
    expect(clusterIdFromArn("ml-cluster")).toBeUndefined();
  });
});
