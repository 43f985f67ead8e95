/**
 * The IAM documents of "HyperPod IAM Policies" (HyperPod execution and node roles, EKS cluster and node group
 * roles) and of SageMaker SSH Helper's IAM and SSM setup (SSM access), as templates: `hpiam policy` prints them
 * filled in, and the IAM checks compare a role's policies with them.
 */

import type { PolicyJson } from "./policy-template";
import { FSX_ACCESS, MANAGED_POLICIES, S3_SCOPED } from "./eks-role-policies";
import { EXECUTION_ROLE, NODE_ROLE, trustPolicy } from "./hyperpod-role-policies";
import { FLEET_ADMIN } from "./fleet-admin-policy";
import { NODE_METRICS } from "./node-metrics-policy";
import { SSM_CLIENT, SSM_SERVER } from "./ssm-access-policies";

/** Where a policy comes from: a public document, by the name its readers know it by, or hpiam's own command. */
export type PolicySource =
  typeof HYPERPOD_IAM_POLICIES | typeof SSH_HELPER_SETUP | typeof FLEET_COMMAND | typeof METRICS_COMMAND;
const HYPERPOD_IAM_POLICIES = "HyperPod IAM Policies";
const SSH_HELPER_SETUP = "SageMaker SSH Helper: IAM_SSM_Setup.md";
const FLEET_COMMAND = "hpiam fleet --cluster";
const METRICS_COMMAND = "hpiam metrics --cloudwatch";

export const POLICY_NAMES = [
  "execution-trust",
  "execution-role",
  "node-trust",
  "node-role",
  "ssm-trust",
  "ssm-server",
  "ssm-client",
  "fleet-admin",
  "node-metrics",
  "eks-cluster-trust",
  "eks-node-trust",
  "fsx",
  "s3-scoped",
] as const;
export type PolicyName = (typeof POLICY_NAMES)[number];

export interface CatalogPolicy {
  name: PolicyName;
  title: string;
  /** Where an admin puts it: the trust of a role, or an inline policy of a given name. */
  applyTo: string;
  source: PolicySource;
  document: PolicyJson;
  /** The AWS managed policies (names) that document attaches to the role this one is for. */
  attach: readonly string[];
}

export const POLICY_CATALOG: Record<PolicyName, CatalogPolicy> = {
  "execution-trust": {
    name: "execution-trust",
    title: "trust policy of the cluster execution role: SageMaker may assume it",
    applyTo: "aws iam update-assume-role-policy --role-name <ROLE> --policy-document file://trust.json",
    source: HYPERPOD_IAM_POLICIES,
    document: trustPolicy("sagemaker.amazonaws.com"),
    attach: MANAGED_POLICIES.execution,
  },
  "execution-role": {
    name: "execution-role",
    title: "permissions of the cluster execution role (inline HyperPodExecutionPolicy)",
    applyTo:
      "aws iam put-role-policy --role-name <ROLE> --policy-name HyperPodExecutionPolicy --policy-document file://policy.json",
    source: HYPERPOD_IAM_POLICIES,
    document: EXECUTION_ROLE,
    attach: [],
  },
  "node-trust": {
    name: "node-trust",
    title: "trust policy of the node role: EC2 may assume it",
    applyTo: "aws iam update-assume-role-policy --role-name <ROLE> --policy-document file://trust.json",
    source: HYPERPOD_IAM_POLICIES,
    document: trustPolicy("ec2.amazonaws.com"),
    attach: MANAGED_POLICIES.node,
  },
  "node-role": {
    name: "node-role",
    title: "permissions of the node role (inline HyperPodNodePolicy): buckets, logs, metrics, ECR, SSM agent",
    applyTo:
      "aws iam put-role-policy --role-name <ROLE> --policy-name HyperPodNodePolicy --policy-document file://policy.json",
    source: HYPERPOD_IAM_POLICIES,
    document: NODE_ROLE,
    attach: [],
  },
  "ssm-trust": {
    name: "ssm-trust",
    title: "trust policy of the execution role for SSM access: SageMaker and SSM may assume it",
    applyTo: "aws iam update-assume-role-policy --role-name <ROLE> --policy-document file://trust.json",
    source: SSH_HELPER_SETUP,
    document: trustPolicy("sagemaker.amazonaws.com", "ssm.amazonaws.com"),
    attach: [],
  },
  "ssm-server": {
    name: "ssm-server",
    title: "SSM server side, on the execution role (inline SSHSageMakerServerPolicy)",
    applyTo:
      "aws iam put-role-policy --role-name <ROLE> --policy-name SSHSageMakerServerPolicy --policy-document file://policy.json",
    source: SSH_HELPER_SETUP,
    document: SSM_SERVER,
    attach: [],
  },
  "ssm-client": {
    name: "ssm-client",
    title: "SSM client side, on the role you connect with (inline SSHSageMakerClientPolicy)",
    applyTo:
      "aws iam put-role-policy --role-name <ROLE> --policy-name SSHSageMakerClientPolicy --policy-document file://policy.json",
    source: SSH_HELPER_SETUP,
    document: SSM_CLIENT,
    attach: [],
  },
  "fleet-admin": {
    name: "fleet-admin",
    title:
      "hpiam fleet --cluster, on the admin's own role or user: list the nodes, a session on each, HyperPod's reboot (inline HpiamFleetAdminPolicy)",
    applyTo:
      "aws iam put-role-policy --role-name <ROLE> --policy-name HpiamFleetAdminPolicy --policy-document file://policy.json",
    source: FLEET_COMMAND,
    document: FLEET_ADMIN,
    attach: [],
  },
  "node-metrics": {
    name: "node-metrics",
    title:
      "hpiam metrics --cloudwatch, on the node's instance-profile role (the execution role): PutMetricData in its namespace (inline HpiamNodeMetricsPolicy)",
    applyTo:
      "aws iam put-role-policy --role-name <ROLE> --policy-name HpiamNodeMetricsPolicy --policy-document file://policy.json",
    source: METRICS_COMMAND,
    document: NODE_METRICS,
    attach: [],
  },
  "eks-cluster-trust": {
    name: "eks-cluster-trust",
    title: "trust policy of the EKS cluster role: EKS may assume it",
    applyTo: "aws iam update-assume-role-policy --role-name <ROLE> --policy-document file://trust.json",
    source: HYPERPOD_IAM_POLICIES,
    document: trustPolicy("eks.amazonaws.com"),
    attach: MANAGED_POLICIES.eksCluster,
  },
  "eks-node-trust": {
    name: "eks-node-trust",
    title: "trust policy of the EKS node group role: EC2 may assume it",
    applyTo: "aws iam update-assume-role-policy --role-name <ROLE> --policy-document file://trust.json",
    source: HYPERPOD_IAM_POLICIES,
    document: trustPolicy("ec2.amazonaws.com"),
    attach: MANAGED_POLICIES.eksNode,
  },
  fsx: {
    name: "fsx",
    title: "FSx for Lustre access, optional, on the node role (inline HyperPodFSxPolicy)",
    applyTo:
      "aws iam put-role-policy --role-name <ROLE> --policy-name HyperPodFSxPolicy --policy-document file://policy.json",
    source: HYPERPOD_IAM_POLICIES,
    document: FSX_ACCESS,
    attach: [],
  },
  "s3-scoped": {
    name: "s3-scoped",
    title: "objects of one data bucket, in one Region (inline HyperPodS3ScopedPolicy)",
    applyTo:
      "aws iam put-role-policy --role-name <ROLE> --policy-name HyperPodS3ScopedPolicy --policy-document file://policy.json",
    source: HYPERPOD_IAM_POLICIES,
    document: S3_SCOPED,
    attach: [],
  },
};

export function isPolicyName(name: string): name is PolicyName {
  return (POLICY_NAMES as readonly string[]).includes(name);
}
