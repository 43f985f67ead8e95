import { awsFiles } from "./aws-files";
import { callerIdentity } from "./caller-identity";
import type { Check } from "./check";
import { clockSkew } from "./clock-skew";
import { credentialSource } from "./credential-source";
import { eksClusterRole } from "./eks-cluster-role";
import { eksNodeRole } from "./eks-node-role";
import { environment } from "./environment";
import { executionRole } from "./execution-role";
import { hyperpodNode } from "./hyperpod-node";
import { imdsProxy } from "./imds-proxy";
import { instanceProfile } from "./instance-profile";
import { otherUsers } from "./other-users";
import { rootCredentials } from "./root-credentials";
import { sharedHome } from "./shared-home";
import { ssmAccess } from "./ssm-access";
import { ssmAgent } from "./ssm-agent";

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
