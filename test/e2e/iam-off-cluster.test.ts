import { CreateClusterCommand, SageMakerClient } from "@aws-sdk/client-sagemaker";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ACCOUNT, EXECUTION_ROLE, REGION } from "../support/aws-world";
import { ADMIN, apply, check, createRole } from "../support/moto-iam";
import { expectNoSecrets, useSimulatedNode } from "../support/simulated-node";

describe("hpiam diagnose --iam --cluster off the cluster", () => {
  const node = useSimulatedNode();

  /** A laptop: a person's assumed-role session, no IMDS, no HyperPod files. */
  async function scientist(): Promise<Record<string, string>> {
    const admin = {
      region: REGION,
      endpoint: node.env.AWS_ENDPOINT_URL,
      credentials: { accessKeyId: ADMIN.AWS_ACCESS_KEY_ID, secretAccessKey: ADMIN.AWS_SECRET_ACCESS_KEY },
    };
    const sagemaker = new SageMakerClient(admin);
    const group = (name: string) => ({
      InstanceGroupName: name,
      InstanceType: "ml.m5.12xlarge" as const,
      InstanceCount: 1,
      LifeCycleConfig: { SourceS3Uri: "s3://sagemaker-lifecycle/base-config/", OnCreate: "on_create.sh" },
      ExecutionRole: node.world.roleArn,
      ThreadsPerCore: 1,
    });
    await sagemaker.send(
      new CreateClusterCommand({
        ClusterName: "ml-cluster",
        InstanceGroups: [group("controller-machine"), group("worker-group-1")],
        VpcConfig: { SecurityGroupIds: ["sg-0123456789abcdef0"], Subnets: ["subnet-0123456789abcdef0"] },
      }),
    );
    sagemaker.destroy();
    const trustAccount = {
      Version: "2012-10-17",
      Statement: [
        { Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: "sts:AssumeRole" },
      ],
    };
    const readOwnRole = {
      Version: "2012-10-17",
      Statement: [
        { Effect: "Allow", Action: ["iam:GetRole", "iam:List*", "iam:GetRolePolicy"], Resource: "*" },
      ],
    };
    await createRole(node, "ScientistRole", trustAccount, readOwnRole);
    const sts = new STSClient(admin);
    const session = await sts.send(
      new AssumeRoleCommand({
        RoleArn: `arn:aws:iam::${ACCOUNT}:role/ScientistRole`,
        RoleSessionName: "alice",
      }),
    );
    sts.destroy();
    const c = session.Credentials;
    return {
      AWS_ACCESS_KEY_ID: c?.AccessKeyId ?? "",
      AWS_SECRET_ACCESS_KEY: c?.SecretAccessKey ?? "",
      AWS_SESSION_TOKEN: c?.SessionToken ?? "",
      AWS_EC2_METADATA_DISABLED: "true",
      HPIAM_RESOURCE_CONFIG: join(node.sandbox.root, "not-a-node", "resource_config.json"),
    };
  }

  it("finds the execution role through DescribeCluster and names the ssm:StartSession the caller lacks", async () => {
    const laptop = await scientist();
    const run = () =>
      node.hpiam(
        ["diagnose", "--iam", "--cluster", "ml-cluster", "--json", "--checks", "execution-role,ssm-access"],
        laptop,
      );
    const clusterArn = `arn:aws:sagemaker:${REGION}:${ACCOUNT}:cluster/ml-cluster`;
    const before = await run();
    expect(check(before, "execution-role").details.role).toMatchObject({
      name: EXECUTION_ROLE,
      from: "cluster",
      groups: ["controller-machine", "worker-group-1"],
    });
    const denied = check(before, "ssm-access");
    expect(denied).toMatchObject({
      status: "fail",
      message: `arn:aws:iam::${ACCOUNT}:role/ScientistRole may not ssm:StartSession on ${clusterArn}`,
      details: { cluster: clusterArn, tools: { "session-manager-plugin": expect.any(String) } },
    });
    expect(denied.remediation).toMatch(
      /^aws iam put-role-policy --role-name ScientistRole --policy-name HyperPodSsmAccess /,
    );
    await apply(node, denied.remediation);

    const after = await run();
    expect(check(after, "ssm-access")).toMatchObject({
      status: "pass",
      message: `aws and session-manager-plugin present; arn:aws:iam::${ACCOUNT}:role/ScientistRole may start and end sessions on ${clusterArn}; no SSH Helper setup on the execution role`,
    });
    for (const result of [before, after]) {
      for (const secret of [laptop.AWS_SECRET_ACCESS_KEY, laptop.AWS_SESSION_TOKEN]) {
        expect(result.stdout).not.toContain(secret);
        expect(result.stderr).not.toContain(secret);
      }
    }
    expectNoSecrets(node, before, after);
  });
});
