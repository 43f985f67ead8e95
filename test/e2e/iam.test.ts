import {
  CreateAccessKeyCommand,
  CreateRoleCommand,
  CreateUserCommand,
  IAMClient,
  PutRolePolicyCommand,
} from "@aws-sdk/client-iam";
import { CreateClusterCommand, SageMakerClient } from "@aws-sdk/client-sagemaker";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { execa } from "execa";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ACCOUNT, EXECUTION_ROLE, EXECUTION_TRUST, motoAdmin, REGION } from "../support/aws-world";
import {
  expectNoSecrets,
  type RunResult,
  type SimulatedNode,
  useSimulatedNode,
} from "../support/simulated-node";

/** moto's own credentials: an administrator, as long as moto does not enforce IAM. */
const ADMIN = { AWS_ACCESS_KEY_ID: "testing", AWS_SECRET_ACCESS_KEY: "testing" };

function iam(node: SimulatedNode): IAMClient {
  return new IAMClient(motoAdmin(node.env.AWS_ENDPOINT_URL));
}

/** The seed 001 execution-role policy exactly as `hpiam policy` prints it. */
async function seedPolicy(node: SimulatedNode): Promise<{ Statement: Array<{ Action: string[] }> }> {
  const printed = await node.hpiam(["policy", "execution-role"]);
  expect(printed.exitCode).toBe(0);
  return JSON.parse(printed.stdout) as { Statement: Array<{ Action: string[] }> };
}

async function createRole(node: SimulatedNode, name: string, trust: unknown, policy: unknown) {
  const client = iam(node);
  await client.send(
    new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: JSON.stringify(trust) }),
  );
  await client.send(
    new PutRolePolicyCommand({
      RoleName: name,
      PolicyName: "HyperPodExecutionPolicy",
      PolicyDocument: JSON.stringify(policy),
    }),
  );
  client.destroy();
}

interface CheckJson {
  id: string;
  status: string;
  message: string;
  remediation: string;
  details: Record<string, unknown> & { role?: unknown; trustStatementToAdd?: unknown; policyToAdd?: unknown };
}

function check(result: RunResult, id: string): CheckJson {
  const doc = JSON.parse(result.stdout) as { checks: CheckJson[] };
  const found = doc.checks.find((c) => c.id === id);
  if (!found) throw new Error(`no ${id} check in: ${result.stdout}`);
  return found;
}

/** Runs a remediation as the admin would: through the shell, with the admin's keys. */
async function apply(node: SimulatedNode, command: string) {
  const result = await execa("sh", ["-c", command], {
    env: { ...node.env, ...ADMIN },
    extendEnv: false,
    reject: false,
  });
  expect(result.stderr).toBe("");
  expect(result.exitCode).toBe(0);
}

describe("hpiam diagnose --iam against moto", () => {
  const node = useSimulatedNode();
  const diagnose = (args: string[], env: Record<string, string> = {}) =>
    node.hpiam(["diagnose", "--iam", "--json", "--checks", "execution-role,ssm-access", ...args], env);

  it("fails the node's execution role that lacks the seed 001 permissions, and its remediation fixes it", async () => {
    const before = await diagnose([]);
    expect(before.exitCode).toBe(1);
    const failed = check(before, "execution-role");
    expect(failed).toMatchObject({
      status: "fail",
      details: { role: { name: EXECUTION_ROLE, from: "instance-profile" } },
    });
    expect(failed.message).toMatch(/missing ec2:CreateNetworkInterface, .* \(\+\d+ more\)/);
    // The role has an inline HyperPodExecutionPolicy already: the fix adds one beside it instead of replacing it.
    expect(failed.remediation).toMatch(
      new RegExp(
        `^aws iam put-role-policy --role-name ${EXECUTION_ROLE} --policy-name HyperPodExecutionPolicy2 --policy-document '\\{`,
      ),
    );
    await apply(node, failed.remediation);

    const after = await diagnose([]);
    expect(check(after, "execution-role")).toMatchObject({
      status: "pass",
      message: `${EXECUTION_ROLE}: trusted by sagemaker.amazonaws.com; all 38 seed 001 permissions allowed`,
    });
    // On a node connect-head uses ssh; the role has no SSH Helper setup to check.
    expect(check(after, "ssm-access")).toMatchObject({ status: "pass", details: { sshHelper: false } });
    expect(after.exitCode).toBe(0);
    expectNoSecrets(node, before, after);
  });

  it("passes a role made from the seed 001 trust and policy, named with --role", async () => {
    await createRole(node, "HyperPodExecutionRole", EXECUTION_TRUST, await seedPolicy(node));
    const result = await diagnose(["--role", "HyperPodExecutionRole"]);
    expect(check(result, "execution-role")).toMatchObject({
      status: "pass",
      remediation: null,
      details: { role: { name: "HyperPodExecutionRole", from: "flag" }, missing: [], evaluatedBy: ["hpiam"] },
    });
  });

  it("fails a role whose trust policy lacks sagemaker.amazonaws.com, naming it", async () => {
    const ec2Only = {
      Version: "2012-10-17",
      Statement: [{ ...EXECUTION_TRUST.Statement[0], Principal: { Service: "ec2.amazonaws.com" } }],
    };
    await createRole(node, "NoSageMakerTrust", ec2Only, await seedPolicy(node));
    const result = await diagnose(["--role", "NoSageMakerTrust"]);
    expect(result.exitCode).toBe(1);
    const failed = check(result, "execution-role");
    expect(failed.status).toBe("fail");
    expect(failed.message).toBe(
      "NoSageMakerTrust: its trust policy does not let sagemaker.amazonaws.com sts:AssumeRole",
    );
    expect(failed.details.trustStatementToAdd).toEqual(EXECUTION_TRUST.Statement[0]);
    await apply(node, failed.remediation);
    expect(check(await diagnose(["--role", "NoSageMakerTrust"]), "execution-role").status).toBe("pass");
  });

  it("fails a role missing one action, naming it with the exact JSON to add", async () => {
    const policy = await seedPolicy(node);
    policy.Statement[0]!.Action = policy.Statement[0]!.Action.filter((a) => a !== "ec2:RunInstances");
    await createRole(node, "NoRunInstances", EXECUTION_TRUST, policy);
    const failed = check(await diagnose(["--role", "NoRunInstances"]), "execution-role");
    expect(failed.status).toBe("fail");
    expect(failed.message).toBe("NoRunInstances: missing ec2:RunInstances");
    expect(failed.details.policyToAdd).toEqual({
      Version: "2012-10-17",
      Statement: [{ Sid: "EC2Management", Effect: "Allow", Action: "ec2:RunInstances", Resource: "*" }],
    });
    expect(failed.remediation).toContain(`'${JSON.stringify(failed.details.policyToAdd)}'`);
  });

  it("fails a role that does not exist and refuses a malformed --role with exit 2", async () => {
    expect(check(await diagnose(["--role", "NoSuchRole"]), "execution-role")).toMatchObject({
      status: "fail",
      message: "role NoSuchRole does not exist",
    });
    const bad = await node.hpiam(["diagnose", "--iam", "--role", "arn:aws:s3:::bucket"]);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toMatch(/--role: .* neither a role name nor a role ARN/);
  });

  it("skips the IAM checks unless asked", async () => {
    const result = await node.hpiam(["diagnose", "--json", "--checks", "execution-role,ssm-access"]);
    expect(check(result, "execution-role")).toMatchObject({ status: "skip", message: /not asked/ });
    expect(check(result, "ssm-access")).toMatchObject({ status: "skip", message: /not asked/ });
  });
});

describe("hpiam diagnose --iam for a caller without IAM read (moto enforcing IAM)", () => {
  const node = useSimulatedNode();

  it("skips, naming the permission, and never fails the report", async () => {
    const client = iam(node);
    await client.send(new CreateUserCommand({ UserName: "scientist" }));
    const key = (await client.send(new CreateAccessKeyCommand({ UserName: "scientist" }))).AccessKey;
    client.destroy();
    // From here on moto checks every request against the caller's policies (the user has none).
    const enforce = await fetch(`${node.env.AWS_ENDPOINT_URL}/moto-api/reset-auth`, {
      method: "POST",
      headers: { "Content-Type": "text/plain" },
      body: "0",
    });
    expect(enforce.ok).toBe(true);
    const secret = key?.SecretAccessKey ?? "";
    const env = { AWS_ACCESS_KEY_ID: key?.AccessKeyId ?? "", AWS_SECRET_ACCESS_KEY: secret };
    const result = await node.hpiam(
      [
        "diagnose",
        "--iam",
        "--json",
        "--checks",
        "caller-identity,execution-role,ssm-access",
        "--role",
        EXECUTION_ROLE,
      ],
      env,
    );
    const doc = JSON.parse(result.stdout);
    expect(check(result, "caller-identity")).toMatchObject({ status: "pass", message: /user\/scientist$/ });
    expect(check(result, "execution-role")).toMatchObject({
      status: "skip",
      message: `${EXECUTION_ROLE}: needs iam:GetRole`,
      remediation: `from a principal with IAM read: hpiam diagnose --iam --role ${EXECUTION_ROLE}`,
      details: { permission: "iam:GetRole" },
    });
    expect(doc.summary).toMatchObject({ status: "healthy", fail: 0 });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).not.toContain(secret);
    expect(result.stderr).not.toContain(secret);
    expectNoSecrets(node, result);
  });
});

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
