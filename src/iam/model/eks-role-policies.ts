/**
 * "HyperPod IAM Policies", its EKS part and its optional statements: the managed policies the EKS cluster role
 * and the EKS node group role need, FSx for Lustre access for the node role, and the scoped S3 example.
 */

import type { PolicyJson } from "./policy-template";

/** The AWS managed policies "HyperPod IAM Policies" attaches to each role, by name. */
export const MANAGED_POLICIES = {
  execution: ["AmazonSageMakerFullAccess"],
  node: ["AmazonSSMManagedInstanceCore"],
  eksCluster: ["AmazonEKSClusterPolicy"],
  eksNode: ["AmazonEKSWorkerNodePolicy", "AmazonEC2ContainerRegistryReadOnly", "AmazonEKS_CNI_Policy"],
} as const;

/** An AWS managed policy's ARN; AWS owns them in every partition under the account `aws`. */
export const managedPolicyArn = (name: string, partition = "aws") =>
  `arn:${partition}:iam::aws:policy/${name}`;

/** "If using FSx for Lustre shared storage, add this policy to the node role." */
export const FSX_ACCESS: PolicyJson = {
  Version: "2012-10-17",
  Statement: [
    {
      Sid: "FSxAccess",
      Effect: "Allow",
      Action: ["fsx:DescribeFileSystems", "fsx:DescribeDataRepositoryAssociations"],
      Resource: "*",
    },
  ],
};

/** That document's least-privilege example: objects of one data bucket, requested in one Region. */
export const S3_SCOPED: PolicyJson = {
  Version: "2012-10-17",
  Statement: [
    {
      Sid: "S3ScopedAccess",
      Effect: "Allow",
      Action: ["s3:GetObject", "s3:PutObject"],
      Resource: "arn:aws:s3:::<<DATA_BUCKET_NAME>>/*",
      Condition: { StringEquals: { "aws:RequestedRegion": "<<REQUESTED_REGION>>" } },
    },
  ],
};
