import { CreateClusterCommand, ListClusterNodesCommand, SageMakerClient } from "@aws-sdk/client-sagemaker";
import { chmod, mkdir, readdir, readFile, stat, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { motoAdmin, REGION } from "../support/aws-world";
import { runHpiam } from "../support/cli";
import { expectOneLineError, type SimulatedNode, startSimulatedNode } from "../support/simulated-node";

describe("hpiam connect-head --cluster against moto", () => {
  let node: SimulatedNode;
  let controllerId: string;
  let headId: string;
  let offCluster: Record<string, string>;
  let awsStubDir: string;

  beforeAll(async () => {
    node = await startSimulatedNode();
    const sagemaker = new SageMakerClient(motoAdmin(node.env.AWS_ENDPOINT_URL));
    const group = (name: string, count: number, nodeType?: "Controller" | "Compute") => ({
      InstanceGroupName: name,
      InstanceType: "ml.m5.12xlarge" as const,
      InstanceCount: count,
      LifeCycleConfig: { SourceS3Uri: "s3://sagemaker-lifecycle/base-config/", OnCreate: "on_create.sh" },
      ExecutionRole: node.world.roleArn,
      ThreadsPerCore: 1,
      ...(nodeType ? { SlurmConfig: { NodeType: nodeType } } : {}),
    });
    const vpc = { SecurityGroupIds: ["sg-0123456789abcdef0"], Subnets: ["subnet-0123456789abcdef0"] };
    await sagemaker.send(
      new CreateClusterCommand({
        ClusterName: "ml-cluster",
        InstanceGroups: [group("controller-machine", 1), group("worker-group-1", 2)],
        VpcConfig: vpc,
      }),
    );
    await sagemaker.send(
      new CreateClusterCommand({
        ClusterName: "slurm-api-cluster",
        InstanceGroups: [group("head-nodes", 1, "Controller"), group("worker-group-1", 2, "Compute")],
        VpcConfig: vpc,
      }),
    );
    const firstNode = async (cluster: string, contains: string) =>
      (
        await sagemaker.send(
          new ListClusterNodesCommand({ ClusterName: cluster, InstanceGroupNameContains: contains }),
        )
      ).ClusterNodeSummaries?.[0]?.InstanceId ?? "";
    controllerId = await firstNode("ml-cluster", "controller-machine");
    headId = await firstNode("slurm-api-cluster", "head-nodes");
    sagemaker.destroy();

    // An `aws` that records its argv, says STUB_AWS_STDERR on stderr and exits STUB_AWS_EXIT.
    awsStubDir = join(node.sandbox.root, "aws-stub");
    await mkdir(awsStubDir);
    await writeFile(
      join(awsStubDir, "aws"),
      `#!${process.execPath}
require("node:fs").appendFileSync(process.env.HPIAM_STUB_LOG, JSON.stringify({ command: "aws", args: process.argv.slice(2) }) + "\\n");
if (process.env.STUB_AWS_STDERR) process.stderr.write(process.env.STUB_AWS_STDERR + "\\n");
process.exit(Number(process.env.STUB_AWS_EXIT ?? 0));
`,
    );
    await chmod(join(awsStubDir, "aws"), 0o755);
    // A laptop: its own keys, no IMDS, no HyperPod files.
    offCluster = {
      AWS_ACCESS_KEY_ID: "AKIAIOSFODNN7EXAMPLE",
      AWS_SECRET_ACCESS_KEY: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
      AWS_EC2_METADATA_DISABLED: "true",
      HPIAM_RESOURCE_CONFIG: join(node.sandbox.root, "not-a-node", "resource_config.json"),
      PATH: `${awsStubDir}:${node.sandbox.binDir}:/usr/bin:/bin`,
    };
  });
  afterAll(async () => {
    await node?.stop();
  });

  const hpiam = (args: string[], env: Record<string, string> = {}) =>
    node.hpiam(["connect-head", ...args], { ...offCluster, ...env });
  const target = () => `sagemaker-cluster:ml-cluster_controller-machine-${controllerId}`;

  it("--cluster NAME --print prints a well-formed SSM target", async () => {
    const result = await hpiam(["--cluster", "ml-cluster", "--print"]);
    expect(result).toMatchObject({ exitCode: 0, stderr: "" });
    expect(result.stdout).toBe(target());
    expect(result.stdout).toMatch(/^sagemaker-cluster:[a-z0-9-]+_controller-machine-\S+$/);
  });

  it("accepts the cluster ARN and documents the plan with --json", async () => {
    const arn = `arn:aws:sagemaker:${REGION}:123456789012:cluster/ml-cluster`;
    const result = await hpiam(["--cluster", arn, "--json"]);
    expect(JSON.parse(result.stdout)).toMatchObject({
      schemaVersion: 1,
      mode: "ssm",
      clusterArn: arn,
      target: target(),
      region: REGION,
      command: ["aws", "ssm", "start-session", "--target", target(), "--region", REGION],
    });
  });

  it("finds the cluster with AWS_DEFAULT_REGION alone, as aws does", async () => {
    const env: Record<string, string> = { ...node.env, ...offCluster };
    delete env.AWS_REGION;
    const result = await runHpiam(["connect-head", "--cluster", "ml-cluster", "--json"], env);
    expect(result).toMatchObject({ exitCode: 0, stderr: "" });
    expect(result.json).toMatchObject({ target: target(), region: env.AWS_DEFAULT_REGION });
  });

  it("takes the group the API declares as Slurm Controller; --group overrides it", async () => {
    const declared = await hpiam(["--cluster", "slurm-api-cluster", "--print"]);
    expect(declared.stdout).toBe(`sagemaker-cluster:slurm-api-cluster_head-nodes-${headId}`);
    const chosen = await hpiam(["--cluster", "slurm-api-cluster", "--group", "worker-group-1", "--print"]);
    expect(chosen.stdout).toMatch(/^sagemaker-cluster:slurm-api-cluster_worker-group-1-worker-group-1-\d$/);
    const missing = await hpiam([
      "--cluster",
      "slurm-api-cluster",
      "--group",
      "controller-machine",
      "--print",
    ]);
    expectOneLineError(
      node,
      missing,
      3,
      /no instance group "controller-machine" .*its groups: head-nodes, worker-group-1/,
    );
  });

  it("says so in one line when there is no such cluster", async () => {
    expectOneLineError(
      node,
      await hpiam(["--cluster", "nope", "--print"]),
      3,
      /no HyperPod cluster "nope" in us-west-2/,
    );
  });

  it("runs aws ssm start-session on the target when aws and session-manager-plugin are there", async () => {
    const before = (await node.sandbox.calls()).length;
    const result = await hpiam(["--cluster", "ml-cluster"]);
    expect(result).toMatchObject({ exitCode: 0, stdout: "" });
    expect((await node.sandbox.calls()).slice(before)).toEqual([
      { command: "aws", args: ["ssm", "start-session", "--target", target(), "--region", REGION] },
    ]);
  });

  it("reports a missing session-manager-plugin with how to install it and the command", async () => {
    const result = await hpiam(["--cluster", "ml-cluster"], { PATH: `${awsStubDir}:/usr/bin:/bin` });
    expectOneLineError(node, result, 3, /^hpiam: session-manager-plugin is not installed \(not on PATH\)/);
    expect(result.stderr).toContain("https://docs.aws.amazon.com/systems-manager/latest/userguide/");
    expect(result.stderr).toContain(`aws ssm start-session --target ${target()} --region ${REGION}`);
    expect(result.stderr).not.toMatch(/aws and/);
  });

  it("explains TargetNotConnected, including the `aws configure` on the head node", async () => {
    const result = await hpiam(["--cluster", "ml-cluster"], {
      STUB_AWS_EXIT: "255",
      STUB_AWS_STDERR: `An error occurred (TargetNotConnected) when calling the StartSession operation: ${target()} is not connected.`,
    });
    expect(result.exitCode).toBe(255);
    expect(result.stderr).toContain("TargetNotConnected");
    expect(result.stdout).toMatch(/root credentials were replaced by `aws configure`/);
    expect(result.stdout.trim().split("\n")).toHaveLength(2);
  });

  it("--ssh-config adds one Host entry, backs the old file up, and is idempotent", async () => {
    const sshDir = join(node.sandbox.home, ".ssh");
    const config = join(sshDir, "config");
    await mkdir(sshDir, { recursive: true, mode: 0o700 });
    const original = "ServerAliveInterval 60\n\nHost *.internal\n    User admin\n";
    await writeFile(config, original);

    const first = await hpiam(["--cluster", "ml-cluster", "--ssh-config"]);
    expect(first.exitCode).toBe(0);
    expect(first.stdout).toMatch(/^✔ added Host ml-cluster in .*\.ssh\/config/);
    expect(first.stdout).toContain("ssh ml-cluster");
    const written = await readFile(config, "utf8");
    expect(written).toContain(
      `Host ml-cluster\n    User ubuntu\n    ProxyCommand aws ssm start-session --target ${target()} --region ${REGION} --document-name AWS-StartSSHSession --parameters portNumber=%p\n`,
    );
    expect(written.startsWith("ServerAliveInterval 60\n\n# hpiam connect-head")).toBe(true);
    expect(written.endsWith("Host *.internal\n    User admin\n")).toBe(true);
    expect((await stat(config)).mode & 0o777).toBe(0o600);
    const backups = (await readdir(sshDir)).filter((name) => name.startsWith("config.hpiam-backup-"));
    expect(backups).toHaveLength(1);
    expect(await readFile(join(sshDir, backups[0] ?? ""), "utf8")).toBe(original);

    const second = await hpiam(["--cluster", "ml-cluster", "--ssh-config", "--json"]);
    expect(JSON.parse(second.stdout).sshConfig).toMatchObject({ change: "unchanged", backup: null });
    expect(await readFile(config, "utf8")).toBe(written);
    expect((await readdir(sshDir)).sort()).toEqual(["config", ...backups]);
  });

  it("--ssh-config never writes a backup over another: runs in one second keep the pristine file and its mode", async () => {
    const home = join(node.sandbox.root, "busy-home");
    const sshDir = join(home, ".ssh");
    await mkdir(sshDir, { recursive: true, mode: 0o700 });
    const pristine = "Host *.internal\n    User admin\n";
    await writeFile(join(sshDir, "config"), pristine, { mode: 0o644 });
    // Another run's backups of this second and the next ones: the names these runs would take first.
    const now = Date.now();
    const taken = Array.from({ length: 30 }, (_, second) => {
      const stamp = new Date(now + (second - 1) * 1000).toISOString().replace(/[-:]|\.\d+/g, "");
      return `config.hpiam-backup-${stamp}`;
    });
    for (const name of taken) await writeFile(join(sshDir, name), "another run's backup\n");

    for (const host of ["one", "two"]) {
      const run = await hpiam(["--cluster", "ml-cluster", "--ssh-config", host], { HOME: home });
      expect(run.exitCode, run.stderr).toBe(0);
    }
    for (const name of taken)
      expect(await readFile(join(sshDir, name), "utf8"), name).toBe("another run's backup\n");
    const made = (await readdir(sshDir)).filter(
      (name) => name.startsWith("config.hpiam-backup-") && !taken.includes(name),
    );
    expect(made).toHaveLength(2);
    const backups = await Promise.all(
      made.map(async (name) => ({
        text: await readFile(join(sshDir, name), "utf8"),
        mode: (await stat(join(sshDir, name))).mode & 0o777,
      })),
    );
    expect(backups).toContainEqual({ text: pristine, mode: 0o644 });
    expect(backups).toContainEqual({ text: expect.stringContaining("Host one\n"), mode: 0o600 });
  });

  it("creates ~/.ssh (0700) when there is none, and never overwrites someone else's Host", async () => {
    const home = join(node.sandbox.root, "fresh-home");
    await mkdir(home);
    const created = await hpiam(["--cluster", "ml-cluster", "--ssh-config", "hp"], { HOME: home });
    expect(created.exitCode).toBe(0);
    expect((await stat(join(home, ".ssh"))).mode & 0o777).toBe(0o700);
    expect(await readFile(join(home, ".ssh", "config"), "utf8")).toMatch(
      /^# hpiam connect-head: .*\nHost hp\n/,
    );

    await writeFile(join(home, ".ssh", "config"), "Host theirs\n    HostName 10.0.0.9\n");
    const refused = await hpiam(["--cluster", "ml-cluster", "--ssh-config", "theirs"], { HOME: home });
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toMatch(/already has a `Host theirs` entry \(line 1\) that hpiam did not write/);
    expect(await readFile(join(home, ".ssh", "config"), "utf8")).toBe("Host theirs\n    HostName 10.0.0.9\n");
  });

  it("refuses (exit 2, one line) a ~/.ssh/config that links to a file outside the home, and writes nothing there", async () => {
    const home = join(node.sandbox.root, "linked-home");
    const outside = join(node.sandbox.root, "dotfiles");
    await mkdir(join(home, ".ssh"), { recursive: true });
    await mkdir(outside);
    const shared = join(outside, "ssh_config");
    await writeFile(shared, "Host *\n    ServerAliveInterval 30\n");
    await symlink(shared, join(home, ".ssh", "config"));

    const refused = await hpiam(["--cluster", "ml-cluster", "--ssh-config"], { HOME: home });
    expectOneLineError(
      node,
      refused,
      2,
      /^hpiam: \S+\/\.ssh\/config leads outside your home \(to \S+ssh_config\)/,
    );
    expect(refused.stderr).toMatch(
      /Add the Host entry to \S+ssh_config yourself, or make \S+ a file of your own/,
    );
    expect(await readFile(shared, "utf8")).toBe("Host *\n    ServerAliveInterval 30\n");
    expect(await readdir(outside)).toEqual(["ssh_config"]);
    expect(await readdir(join(home, ".ssh"))).toEqual(["config"]);
  });

  it("never prints the secret key it signed with", async () => {
    const results = await Promise.all([
      hpiam(["--cluster", "ml-cluster", "--json", "--verbose"]),
      hpiam(["--cluster", "nope", "--verbose"]),
    ]);
    for (const result of results) {
      expect(result.stdout + result.stderr).not.toContain(offCluster.AWS_SECRET_ACCESS_KEY);
    }
  });
});
