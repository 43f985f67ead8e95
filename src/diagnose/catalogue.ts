import { awsFiles } from "./checks/aws-files";
import { callerIdentity } from "./checks/caller-identity";
import type { Check } from "./checks/check";
import { clockSkew } from "./checks/clock-skew";
import { credentialSource } from "./checks/credential-source";
import { eksClusterRole } from "../iam/eks-cluster-role-check";
import { eksNodeRole } from "../iam/eks-node-role-check";
import { environment } from "./checks/environment";
import { executionRole } from "../iam/execution-role-check";
import { hyperpodNode } from "./checks/hyperpod-node";
import { imdsProxy } from "./checks/imds-proxy";
import { instanceProfile } from "./checks/instance-profile";
import { otherUsers } from "./checks/other-users";
import { rootCredentials } from "./checks/root-credentials";
import { sharedHome } from "./checks/shared-home";
import { ssmAccess } from "../iam/ssm-access-check";
import { ssmAgent } from "./checks/ssm-agent";

/** Every check, in report order. The IAM checks (execution-role, ssm-access, the EKS roles; `needs: "iam"`) go last. */
export const CATALOGUE: readonly Check[] = [
  hyperpodNode,
  callerIdentity,
  credentialSource,
  instanceProfile,
  awsFiles,
  environment,
  rootCredentials,
  otherUsers,
  sharedHome,
  imdsProxy,
  ssmAgent,
  clockSkew,
  executionRole,
  ssmAccess,
  eksClusterRole,
  eksNodeRole,
];

export const CHECK_IDS: readonly string[] = CATALOGUE.map((check) => check.id);
