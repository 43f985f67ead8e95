import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { hyperpodFixture } from "../support/fixtures";
import {
  controllerGroupOfCluster,
  controllerGroupOnNode,
  headClusterNode,
  headInstance,
} from "../../src/node/model/head-node";
import {
  NodeFileFormatError,
  parseProvisioningParameters,
  parseResourceConfig,
} from "../../src/node/model/resource-config";

describe("the head node on a node", () => {
  it("is the first instance of controller-machine in the stock files", () => {
    const config = parseResourceConfig(hyperpodFixture("resource_config.json"));
    const params = parseProvisioningParameters(hyperpodFixture("provisioning_parameters.json"));
    const group = controllerGroupOnNode(undefined, params);
    expect(group).toEqual({ name: "controller-machine", from: "provisioning-parameters" });
    const instances = config.groups.find((g) => g.name === group.name);
    expect(instances && headInstance(instances)?.customerIp).toBe("10.1.10.10");
  });

  it("follows provisioning_parameters.json to a differently named controller group", () => {
    const params = parseProvisioningParameters(
      hyperpodFixture("provisioning_parameters.custom-controller.json"),
    );
    expect(controllerGroupOnNode(undefined, params)).toEqual({
      name: "head-nodes",
      from: "provisioning-parameters",
    });
  });

  it("lets --group win, and falls back to HyperPod's default name without provisioning_parameters", () => {
    const params = parseProvisioningParameters(
      hyperpodFixture("provisioning_parameters.custom-controller.json"),
    );
    expect(controllerGroupOnNode("login-group", params)).toEqual({ name: "login-group", from: "flag" });
    expect(controllerGroupOnNode()).toEqual({ name: "controller-machine", from: "default" });
  });

  it("prefers <group>-1, as headnode_setup.sh does, over list order", () => {
    const group = {
      name: "head-nodes",
      instances: [
        { instanceName: "head-nodes-2", instanceId: "i-2", customerIp: "10.0.0.2" },
        { instanceName: "head-nodes-1", instanceId: "i-1", customerIp: "10.0.0.1" },
      ],
    };
    expect(headInstance(group)?.instanceId).toBe("i-1");
    expect(headInstance({ name: "g", instances: [] })).toBeUndefined();
  });
});

describe("the head node of a cluster (SageMaker API)", () => {
  const cluster = {
    arn: "arn:aws:sagemaker:us-west-2:123456789012:cluster/aa11bbbbb222",
    name: "ml-cluster",
    groups: [
      { name: "head-nodes", slurmNodeType: "Controller" },
      { name: "worker-group-1", slurmNodeType: "Compute" },
    ],
  };

  it("takes the group the API declares as Slurm Controller, unless --group says otherwise", () => {
    expect(controllerGroupOfCluster(undefined, cluster)).toEqual({
      name: "head-nodes",
      from: "slurm-config",
    });
    expect(controllerGroupOfCluster("worker-group-1", cluster).name).toBe("worker-group-1");
    expect(controllerGroupOfCluster(undefined, { ...cluster, groups: [{ name: "x" }] })).toEqual({
      name: "controller-machine",
      from: "default",
    });
  });

  it("keeps only exact group matches of ListClusterNodes' contains-filter, running nodes first", () => {
    const nodes = [
      { groupName: "head-nodes-2", instanceId: "i-other", status: "Running" },
      { groupName: "head-nodes", instanceId: "i-pending", status: "Pending" },
      { groupName: "head-nodes", instanceId: "i-running", status: "Running" },
    ];
    expect(headClusterNode(nodes, "head-nodes")?.instanceId).toBe("i-running");
    expect(headClusterNode(nodes.slice(0, 2), "head-nodes")?.instanceId).toBe("i-pending");
    expect(headClusterNode(nodes.slice(0, 1), "head-nodes")).toBeUndefined();
  });
});

describe("parseResourceConfig on hostile input", () => {
  it("either parses or throws NodeFileFormatError, for any JSON value", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        try {
          parseResourceConfig(JSON.stringify(value));
        } catch (error) {
          expect(error).toBeInstanceOf(NodeFileFormatError);
        }
      }),
    );
  });

  it("either parses or throws NodeFileFormatError, for mutated real files", () => {
    const text = hyperpodFixture("resource_config.json");
    fc.assert(
      fc.property(fc.nat(text.length), fc.string({ maxLength: 3 }), (cut, junk) => {
        try {
          parseResourceConfig(text.slice(0, cut) + junk + text.slice(cut + junk.length));
        } catch (error) {
          expect(error).toBeInstanceOf(NodeFileFormatError);
        }
      }),
    );
  });
});
