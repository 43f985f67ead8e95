/**
 * SageMaker SSH Helper's IAM and SSM setup (IAM_SSM_Setup.md): what reaching SageMaker compute over SSM takes.
 * The server policy goes on the execution role, the client policy on the role a person connects with.
 */

import type { PolicyJson } from "./policy-template";

const MANAGED_INSTANCES = "arn:aws:ssm:<<REGION>>:<<ACCOUNT_ID>>:managed-instance/mi-*";

export const SSM_SERVER: PolicyJson = {
  Version: "2012-10-17",
  Statement: [
    {
      Effect: "Allow",
      Action: "iam:PassRole",
      Resource: "<<SAGEMAKER_ROLE_ARN>>",
      Condition: { StringEquals: { "iam:PassedToService": "ssm.amazonaws.com" } },
    },
    { Effect: "Allow", Action: "ssm:AddTagsToResource", Resource: "<<SAGEMAKER_ROLE_ARN>>" },
    {
      Effect: "Allow",
      Action: [
        "ec2messages:AcknowledgeMessage",
        "ec2messages:DeleteMessage",
        "ec2messages:GetMessages",
        "ec2messages:SendReply",
        "ssm:CreateActivation",
        "ssm:ListAssociations",
        "ssm:ListInstanceAssociations",
        "ssmmessages:CreateControlChannel",
        "ssmmessages:CreateDataChannel",
        "ssmmessages:OpenControlChannel",
        "ssmmessages:OpenDataChannel",
      ],
      Resource: "*",
    },
    {
      Effect: "Allow",
      Action: ["ssm:UpdateInstanceInformation"],
      Resource: MANAGED_INSTANCES,
      Condition: { StringLike: { "ssm:resourceTag/SSHOwner": "*" } },
    },
  ],
};

export const SSM_CLIENT: PolicyJson = {
  Version: "2012-10-17",
  Statement: [
    {
      Effect: "Allow",
      Action: [
        "logs:GetQueryResults",
        "ssm:DescribeInstanceInformation",
        "ssm:ListTagsForResource",
        "ssm:GetCommandInvocation",
      ],
      Resource: "*",
    },
    {
      Effect: "Allow",
      Action: ["ssm:SendCommand", "ssm:StartSession"],
      Resource: MANAGED_INSTANCES,
      Condition: { StringEquals: { "ssm:resourceTag/SSHOwner": "${aws:userid}" } },
    },
    {
      Effect: "Allow",
      Action: "ssm:TerminateSession",
      Resource: "arn:aws:ssm:<<REGION>>:<<ACCOUNT_ID>>:session/*",
      Condition: { StringLike: { "ssm:resourceTag/aws:ssmmessages:session-id": "${aws:userid}" } },
    },
    {
      Effect: "Allow",
      Action: "ssm:StartSession",
      Resource: "arn:aws:ssm:<<REGION>>::document/AWS-StartSSHSession",
    },
    {
      Effect: "Allow",
      Action: "ssm:SendCommand",
      Resource: "arn:aws:ssm:<<REGION>>::document/AWS-RunShellScript",
    },
    {
      Effect: "Allow",
      Action: "logs:StartQuery",
      Resource: "arn:aws:logs:<<REGION>>:<<ACCOUNT_ID>>:log-group:/aws/sagemaker/*",
    },
  ],
};

/** What `hpiam connect-head --cluster` (`aws ssm start-session`, `--ssh-config`) needs of the person's identity. */
export function connectHeadAccess(target: {
  partition: string;
  region: string;
  account: string;
  clusterArn: string;
}): PolicyJson {
  const ssm = `arn:${target.partition}:ssm:${target.region}`;
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "StartSessionOnCluster",
        Effect: "Allow",
        Action: "ssm:StartSession",
        Resource: target.clusterArn,
      },
      {
        Sid: "StartSshSession",
        Effect: "Allow",
        Action: "ssm:StartSession",
        Resource: `${ssm}::document/AWS-StartSSHSession`,
      },
      {
        Sid: "TerminateSessions",
        Effect: "Allow",
        Action: "ssm:TerminateSession",
        Resource: `${ssm}:${target.account}:session/*`,
      },
    ],
  };
}
