/** The HyperPod node files of /opt/ml/config, as typed models (shape: docs/hyperpod-files.md). */

export interface ClusterInstance {
  instanceName?: string;
  instanceId: string;
  /** The VPC address other nodes and ssh use. */
  customerIp: string;
  agentIp?: string;
}

export interface InstanceGroup {
  name: string;
  instanceType?: string;
  instances: ClusterInstance[];
}

export interface ResourceConfig {
  clusterArn?: string;
  clusterName?: string;
  clusterId?: string;
  groups: InstanceGroup[];
}

export interface ProvisioningParameters {
  workloadManager?: string;
  controllerGroup?: string;
  loginGroup?: string;
  workerGroups: string[];
}

/** The file is there but is not what HyperPod writes; `reason` says where it goes wrong. */
export class NodeFileFormatError extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

export function parseResourceConfig(text: string): ResourceConfig {
  const root = parseObject(text);
  const cluster = optionalObject(root.ClusterConfig, "ClusterConfig");
  const groups = root.InstanceGroups;
  if (!Array.isArray(groups)) throw new NodeFileFormatError("InstanceGroups is missing or not a list");
  const clusterArn = optionalString(cluster?.ClusterArn, "ClusterConfig.ClusterArn");
  return {
    ...(clusterArn ? { clusterArn, clusterId: clusterIdFromArn(clusterArn) } : {}),
    ...defined("clusterName", optionalString(cluster?.ClusterName, "ClusterConfig.ClusterName")),
    groups: groups.map((group, g) => parseGroup(group, `InstanceGroups[${g}]`)),
  };
}

export function parseProvisioningParameters(text: string): ProvisioningParameters {
  const root = parseObject(text);
  const workers = root.worker_groups ?? [];
  if (!Array.isArray(workers)) throw new NodeFileFormatError("worker_groups is not a list");
  return {
    ...defined("workloadManager", optionalString(root.workload_manager, "workload_manager")),
    ...defined("controllerGroup", optionalString(root.controller_group, "controller_group")),
    ...defined("loginGroup", optionalString(root.login_group, "login_group")),
    workerGroups: workers.map((worker, i) => {
      const group = optionalObject(worker, `worker_groups[${i}]`);
      return requiredString(group?.instance_group_name, `worker_groups[${i}].instance_group_name`);
    }),
  };
}

/** `arn:aws:sagemaker:us-west-2:123456789012:cluster/aa11bbbbb222` → `aa11bbbbb222` (the SSM target uses the id). */
export function clusterIdFromArn(arn: string): string | undefined {
  return /^arn:aws[a-z-]*:sagemaker:[a-z0-9-]+:\d{12}:cluster\/([a-z0-9]+)$/.exec(arn)?.[1];
}

export const DEFAULT_CONTROLLER_GROUP = "controller-machine";

export type NodeRole = "controller" | "login" | "compute";

/** This node's group, instance and Slurm role, matched by instance id, else by address. */
export function findSelf(
  config: ResourceConfig,
  me: { instanceId?: string; ips: readonly string[] },
  params?: ProvisioningParameters,
): { group: InstanceGroup; instance: ClusterInstance; role: NodeRole } | undefined {
  for (const group of config.groups) {
    const instance =
      group.instances.find((i) => me.instanceId !== undefined && i.instanceId === me.instanceId) ??
      group.instances.find((i) => me.ips.includes(i.customerIp) || (i.agentIp && me.ips.includes(i.agentIp)));
    if (instance) return { group, instance, role: roleOf(group.name, params) };
  }
  return undefined;
}

export function roleOf(groupName: string, params?: ProvisioningParameters): NodeRole {
  if (groupName === (params?.controllerGroup ?? DEFAULT_CONTROLLER_GROUP)) return "controller";
  if (params?.loginGroup !== undefined && groupName === params.loginGroup) return "login";
  return "compute";
}

function parseGroup(value: unknown, where: string): InstanceGroup {
  const group = optionalObject(value, where);
  const instances = group?.Instances ?? [];
  if (!Array.isArray(instances)) throw new NodeFileFormatError(`${where}.Instances is not a list`);
  return {
    name: requiredString(group?.Name, `${where}.Name`),
    ...defined("instanceType", optionalString(group?.InstanceType, `${where}.InstanceType`)),
    instances: instances.map((instance, i) => parseInstance(instance, `${where}.Instances[${i}]`)),
  };
}

function parseInstance(value: unknown, where: string): ClusterInstance {
  const instance = optionalObject(value, where);
  return {
    ...defined("instanceName", optionalString(instance?.InstanceName, `${where}.InstanceName`)),
    instanceId: requiredString(instance?.InstanceId, `${where}.InstanceId`),
    customerIp: requiredString(instance?.CustomerIpAddress, `${where}.CustomerIpAddress`),
    ...defined("agentIp", optionalString(instance?.AgentIpAddress, `${where}.AgentIpAddress`)),
  };
}

type Json = Record<string, unknown>;

function parseObject(text: string): Json {
  let value: unknown;
  try {
    value = JSON.parse(text.replace(/^\uFEFF/, ""));
  } catch {
    throw new NodeFileFormatError(text.trim() === "" ? "the file is empty" : "not valid JSON");
  }
  const object = optionalObject(value, "the document");
  if (!object) throw new NodeFileFormatError("the document is not a JSON object");
  return object;
}

function optionalObject(value: unknown, where: string): Json | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "object" || Array.isArray(value))
    throw new NodeFileFormatError(`${where} is not an object`);
  return value as Json;
}

function optionalString(value: unknown, where: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") throw new NodeFileFormatError(`${where} is not a string`);
  return value;
}

function requiredString(value: unknown, where: string): string {
  const text = optionalString(value, where);
  if (!text) throw new NodeFileFormatError(`${where} is missing`);
  return text;
}

function defined<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}
