import type { PolicyJson } from "./policy-template";

const CLUSTERS = "arn:aws:sagemaker:<<REGION>>:<<ACCOUNT_ID>>:cluster/*";

/**
 * What `hpiam fleet --cluster` needs of the admin's identity, off the cluster: the cluster's nodes, a session on
 * each (HyperPod's SSM targets are the cluster's ARN, not managed instances), and HyperPod's own reboot.
 * Every cluster of the account; narrow `cluster/*` to one cluster's id to allow only that one.
 */
export const FLEET_ADMIN: PolicyJson = {
  Version: "2012-10-17",
  Statement: [
    {
      Sid: "ListAndRebootClusterNodes",
      Effect: "Allow",
      Action: [
        "sagemaker:DescribeCluster",
        "sagemaker:ListClusterNodes",
        "sagemaker:BatchRebootClusterNodes",
      ],
      Resource: CLUSTERS,
    },
    {
      Sid: "OneCommandSessionOnClusterNodes",
      Effect: "Allow",
      Action: "ssm:StartSession",
      Resource: [CLUSTERS, "arn:aws:ssm:<<REGION>>::document/AWS-StartNonInteractiveCommand"],
    },
    {
      Sid: "EndOwnSessions",
      Effect: "Allow",
      Action: "ssm:TerminateSession",
      Resource: "arn:aws:ssm:<<REGION>>:<<ACCOUNT_ID>>:session/${aws:userid}-*",
    },
  ],
};
