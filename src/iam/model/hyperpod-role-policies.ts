/** "HyperPod IAM Policies": the documents of a HyperPod cluster's execution role and node role. */

import type { PolicyJson, StatementJson } from "./policy-template";

/** A trust policy that lets these AWS services assume the role. */
export const trustPolicy = (...services: string[]): PolicyJson => ({
  Version: "2012-10-17",
  Statement: services.map((service) => ({
    Effect: "Allow",
    Principal: { Service: service },
    Action: "sts:AssumeRole",
  })),
});

const LOGS_STATEMENT: StatementJson = {
  Sid: "CloudWatchLogs",
  Effect: "Allow",
  Action: [
    "logs:CreateLogGroup",
    "logs:CreateLogStream",
    "logs:PutLogEvents",
    "logs:DescribeLogGroups",
    "logs:DescribeLogStreams",
  ],
  Resource: "arn:aws:logs:<<REGION>>:*:log-group:/aws/sagemaker/*",
};

const EC2_ACTIONS = [
  "CreateNetworkInterface",
  "CreateNetworkInterfacePermission",
  "DeleteNetworkInterface",
  "DeleteNetworkInterfacePermission",
  "DescribeNetworkInterfaces",
  "DescribeVpcs",
  "DescribeSubnets",
  "DescribeSecurityGroups",
  "DescribeDhcpOptions",
  "DescribeInstances",
  "DescribeInstanceTypes",
  "DescribeInstanceStatus",
  "DescribeImages",
  "DescribeKeyPairs",
  "DescribeLaunchTemplates",
  "DescribeLaunchTemplateVersions",
  "DescribePlacementGroups",
  "CreatePlacementGroup",
  "DeletePlacementGroup",
  "RunInstances",
  "TerminateInstances",
  "CreateTags",
].map((action) => `ec2:${action}`);

const bucket = (marker: string) => [`arn:aws:s3:::${marker}`, `arn:aws:s3:::${marker}/*`];

export const EXECUTION_ROLE: PolicyJson = {
  Version: "2012-10-17",
  Statement: [
    { Sid: "EC2Management", Effect: "Allow", Action: EC2_ACTIONS, Resource: "*" },
    {
      Sid: "IAMPassRole",
      Effect: "Allow",
      Action: ["iam:PassRole"],
      Resource: "arn:aws:iam::*:role/HyperPod*",
      Condition: { StringEquals: { "iam:PassedToService": "ec2.amazonaws.com" } },
    },
    {
      Sid: "S3Access",
      Effect: "Allow",
      Action: ["s3:GetObject", "s3:ListBucket"],
      Resource: [...bucket("*hyperpod*"), ...bucket("*sagemaker*")],
    },
    LOGS_STATEMENT,
    {
      Sid: "SSMAccess",
      Effect: "Allow",
      Action: ["ssm:SendCommand", "ssm:GetCommandInvocation"],
      Resource: "*",
    },
  ],
};

export const NODE_ROLE: PolicyJson = {
  Version: "2012-10-17",
  Statement: [
    {
      Sid: "S3LifecycleScripts",
      Effect: "Allow",
      Action: ["s3:GetObject", "s3:ListBucket"],
      Resource: bucket("<<BUCKET_NAME>>"),
    },
    {
      Sid: "S3ModelArtifacts",
      Effect: "Allow",
      Action: ["s3:GetObject", "s3:PutObject", "s3:ListBucket", "s3:DeleteObject"],
      Resource: bucket("<<DATA_BUCKET_NAME>>"),
    },
    LOGS_STATEMENT,
    {
      Sid: "CloudWatchMetrics",
      Effect: "Allow",
      Action: ["cloudwatch:PutMetricData"],
      Resource: "*",
      Condition: { StringEquals: { "cloudwatch:namespace": "SageMaker" } },
    },
    {
      Sid: "ECRAccess",
      Effect: "Allow",
      Action: [
        "ecr:GetAuthorizationToken",
        "ecr:BatchGetImage",
        "ecr:GetDownloadUrlForLayer",
        "ecr:BatchCheckLayerAvailability",
      ],
      Resource: "*",
    },
    {
      Sid: "SSMAgentAccess",
      Effect: "Allow",
      Action: [
        "ssm:UpdateInstanceInformation",
        "ssmmessages:CreateControlChannel",
        "ssmmessages:CreateDataChannel",
        "ssmmessages:OpenControlChannel",
        "ssmmessages:OpenDataChannel",
      ],
      Resource: "*",
    },
  ],
};
