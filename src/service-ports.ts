/** The AWS services hpiam reads beyond STS, behind ports: SageMaker (connect-head), IAM, SSM and EKS (--iam). */
import type { AwsCallError, AwsOptions } from "./context";

/** An AWS call that answered, or failed with what explaining the failure needs. */
export type AwsAnswer<T> = { ok: true; value: T } | { ok: false; error: AwsCallError };

/** A HyperPod cluster as DescribeCluster tells it, reduced to what finding its head node needs. */
export interface ClusterDescription {
  arn: string;
  name: string;
  status?: string;
  /** `slurmNodeType` is set on clusters whose Slurm roles are declared through the API (Controller, Login, Compute). */
  /** `executionRole`: the ARN of the group's execution role (its nodes' instance-profile role). */
  groups: Array<{ name: string; slurmNodeType?: string; executionRole?: string }>;
  /** The EKS cluster that orchestrates it (`Orchestrator.Eks.ClusterArn`); absent on a Slurm cluster. */
  eksClusterArn?: string;
}

export interface ClusterNodeSummary {
  groupName: string;
  instanceId: string;
  status?: string;
}

export interface RebootedClusterNodes {
  successful: string[];
  failed: Array<{ nodeId: string; code: string; message: string }>;
}

export interface SageMakerPort {
  /** The Region `aws` would call (--region, AWS_REGION, the profile), else the instance's; undefined if none. */
  region(options: AwsOptions): Promise<string | undefined>;
  describeCluster(
    nameOrArn: string,
    options: AwsOptions & { region: string },
  ): Promise<AwsAnswer<ClusterDescription>>;
  /** Every node (all pages) of the groups whose name contains `groupNameContains` (every group when undefined). */
  listClusterNodes(
    nameOrArn: string,
    groupNameContains: string | undefined,
    options: AwsOptions & { region: string },
  ): Promise<AwsAnswer<ClusterNodeSummary[]>>;
  /** HyperPod's own reboot of these nodes (instance ids); which it took and which it refused, with why. */
  batchRebootClusterNodes(
    nameOrArn: string,
    nodeIds: readonly string[],
    options: AwsOptions & { region: string },
  ): Promise<AwsAnswer<RebootedClusterNodes>>;
}

/** A role as GetRole tells it; its trust policy as IAM returns it (URL-encoded JSON). */
export interface RoleDescription {
  arn: string;
  name: string;
  trustPolicy: string;
}

/** One evaluation of SimulatePrincipalPolicy, per action and resource. */
export interface SimulatedDecision {
  action: string;
  resource: string;
  decision: "allowed" | "explicitDeny" | "implicitDeny";
  /** Condition keys the simulator had no value for: its decision did not evaluate those conditions. */
  missingContextKeys: string[];
}

type RegionalOptions = AwsOptions & { region: string };

/** IAM reads for the --iam checks. Policy documents come back as IAM returns them (URL-encoded JSON). */
export interface IamPort {
  getRole(roleName: string, options: RegionalOptions): Promise<AwsAnswer<RoleDescription>>;
  /** Names of the role's inline policies (all pages). */
  listRolePolicies(roleName: string, options: RegionalOptions): Promise<AwsAnswer<string[]>>;
  getRolePolicy(roleName: string, policyName: string, options: RegionalOptions): Promise<AwsAnswer<string>>;
  /** The managed policies attached to the role (all pages). */
  listAttachedRolePolicies(
    roleName: string,
    options: RegionalOptions,
  ): Promise<AwsAnswer<Array<{ name: string; arn: string }>>>;
  getPolicy(policyArn: string, options: RegionalOptions): Promise<AwsAnswer<{ defaultVersionId: string }>>;
  getPolicyVersion(
    policyArn: string,
    versionId: string,
    options: RegionalOptions,
  ): Promise<AwsAnswer<string>>;
  /** Every action on every resource, for a user or role ARN (all pages). */
  simulatePrincipalPolicy(
    principalArn: string,
    actions: readonly string[],
    resources: readonly string[],
    options: RegionalOptions,
  ): Promise<AwsAnswer<SimulatedDecision[]>>;
}

export interface SsmPort {
  /** A service setting's value, e.g. `/ssm/managed-instance/activation-tier` → `standard` | `advanced`. */
  getServiceSetting(settingId: string, options: RegionalOptions): Promise<AwsAnswer<string>>;
}

/** An EKS cluster as DescribeCluster tells it: the role its control plane runs as. */
export interface EksClusterDescription {
  arn: string;
  name: string;
  roleArn: string;
}

export interface EksPort {
  describeCluster(name: string, options: RegionalOptions): Promise<AwsAnswer<EksClusterDescription>>;
}
