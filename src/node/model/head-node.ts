/** Which instance is the cluster's head (Slurm controller) node, on a node and through the SageMaker API. */
import type { ClusterDescription, ClusterNodeSummary } from "../../context";
import {
  type ClusterInstance,
  DEFAULT_CONTROLLER_GROUP,
  type InstanceGroup,
  type ProvisioningParameters,
} from "./resource-config";

export type GroupSource = "flag" | "provisioning-parameters" | "slurm-config" | "default";

export interface ControllerGroup {
  name: string;
  /** Where the name came from, so that a wrong one can be explained. */
  from: GroupSource;
}

/** On a node: --group, else provisioning_parameters.json's `controller_group`, else HyperPod's default name. */
export function controllerGroupOnNode(flag?: string, params?: ProvisioningParameters): ControllerGroup {
  if (flag !== undefined) return { name: flag, from: "flag" };
  if (params?.controllerGroup) return { name: params.controllerGroup, from: "provisioning-parameters" };
  return { name: DEFAULT_CONTROLLER_GROUP, from: "default" };
}

/** Off the cluster: --group, else the group the API declares as Slurm `Controller`, else the default name. */
export function controllerGroupOfCluster(
  flag: string | undefined,
  cluster: ClusterDescription,
): ControllerGroup {
  if (flag !== undefined) return { name: flag, from: "flag" };
  const declared = cluster.groups.find((group) => group.slurmNodeType === "Controller");
  if (declared) return { name: declared.name, from: "slurm-config" };
  return { name: DEFAULT_CONTROLLER_GROUP, from: "default" };
}

export function describeGroupSource(group: ControllerGroup): string {
  switch (group.from) {
    case "flag":
      return "from --group";
    case "provisioning-parameters":
      return "the controller_group of provisioning_parameters.json";
    case "slurm-config":
      return "the group the cluster declares as Slurm Controller";
    case "default":
      return "HyperPod's default controller group name";
  }
}

/** `<group>-1`, the instance headnode_setup.sh picks, else the first one listed. */
export function headInstance(group: InstanceGroup): ClusterInstance | undefined {
  return (
    group.instances.find((instance) => instance.instanceName === `${group.name}-1`) ?? group.instances[0]
  );
}

/**
 * ListClusterNodes matches group names by "contains": keep this group's nodes only, and prefer one that is
 * running (a node being replaced is listed too).
 */
export function headClusterNode(
  nodes: readonly ClusterNodeSummary[],
  groupName: string,
): ClusterNodeSummary | undefined {
  const ours = nodes.filter((node) => node.groupName === groupName && node.instanceId !== "");
  return ours.find((node) => node.status === "Running") ?? ours[0];
}

/** `a, b, c` or `none`, for messages that list what there is instead. */
export function listNames(names: readonly string[]): string {
  return names.length === 0 ? "none" : names.join(", ");
}
