import {
  CreateAccessKeyCommand,
  CreateRoleCommand,
  CreateUserCommand,
  IAMClient,
  PutRolePolicyCommand,
} from "@aws-sdk/client-iam";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";

export const ACCOUNT = "123456789012";
export const REGION = "us-west-2";
export const EXECUTION_ROLE = "sagemaker-hyperpod-AmazonSagemakerClusterExecutionR-TESTNODE01";
export const LEAKED_USER = "alice";

export const EXECUTION_TRUST = {
  Version: "2012-10-17",
  Statement: [
    { Effect: "Allow", Principal: { Service: "sagemaker.amazonaws.com" }, Action: "sts:AssumeRole" },
  ],
};

export interface SessionCredentials {
  AccessKeyId: string;
  SecretAccessKey: string;
  SessionToken: string;
  Expiration: string;
}

export interface AwsWorld {
  roleArn: string;
  /** What the node's instance profile serves through IMDS: the execution role, session `SageMaker`. */
  nodeCredentials: SessionCredentials;
  /** The IAM user key someone pastes into `aws configure`. */
  leakedKey: { accessKeyId: string; secretAccessKey: string };
  /** Every secret the fixtures hold: no command may ever print one. */
  secrets: string[];
}

/** SDK client settings for moto's own administrator (as long as moto does not enforce IAM). */
export function motoAdmin(endpoint: string | undefined) {
  return { region: REGION, endpoint, credentials: { accessKeyId: "testing", secretAccessKey: "testing" } };
}

/** Creates the cluster execution role and a stray IAM user in moto, the way a real account has them. */
export async function seedWorld(endpoint: string): Promise<AwsWorld> {
  const admin = motoAdmin(endpoint);
  const iam = new IAMClient(admin);
  const sts = new STSClient(admin);
  const role = await iam.send(
    new CreateRoleCommand({
      RoleName: EXECUTION_ROLE,
      AssumeRolePolicyDocument: JSON.stringify(EXECUTION_TRUST),
    }),
  );
  await iam.send(
    new PutRolePolicyCommand({
      RoleName: EXECUTION_ROLE,
      PolicyName: "HyperPodExecutionPolicy",
      PolicyDocument: JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Action: ["s3:GetObject", "s3:ListBucket"], Resource: "*" }],
      }),
    }),
  );
  const roleArn = role.Role?.Arn ?? "";
  const assumed = await sts.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: "SageMaker" }));
  await iam.send(new CreateUserCommand({ UserName: LEAKED_USER }));
  const key = await iam.send(new CreateAccessKeyCommand({ UserName: LEAKED_USER }));
  const c = assumed.Credentials;
  const nodeCredentials = {
    AccessKeyId: c?.AccessKeyId ?? "",
    SecretAccessKey: c?.SecretAccessKey ?? "",
    SessionToken: c?.SessionToken ?? "",
    Expiration: (c?.Expiration ?? new Date(Date.now() + 3600_000)).toISOString(),
  };
  const leakedKey = {
    accessKeyId: key.AccessKey?.AccessKeyId ?? "",
    secretAccessKey: key.AccessKey?.SecretAccessKey ?? "",
  };
  iam.destroy();
  sts.destroy();
  return {
    roleArn,
    nodeCredentials,
    leakedKey,
    secrets: [nodeCredentials.SecretAccessKey, nodeCredentials.SessionToken, leakedKey.secretAccessKey],
  };
}
