import { readFile } from "node:fs/promises";
import { expect } from "vitest";
import { type AwsWorld, EXECUTION_ROLE, REGION, seedWorld } from "./aws-world";
import { type CliResult, type RunHow, type RunResult, runHpiam, runProgram } from "./cli";
import { expectContract, isContractCommand } from "./contract";
import { type FakeImds, type ImdsConfig, startImds } from "./imds";
import { type Moto, type MotoOptions, startMoto } from "./moto";
import { requireTool, useStarted } from "./processes";
import { createSandbox, type Sandbox } from "./sandbox";

export const AWS_CLI_V2 = "/usr/bin/aws";

export interface SimulatedNode {
  sandbox: Sandbox;
  world: AwsWorld;
  imds: FakeImds;
  /** The environment every command of this node runs with (nothing inherited from the developer's AWS setup). */
  env: Record<string, string>;
  instanceId: string;
  /** Runs the built CLI as a user would: root by default, or `nobody` (a cluster user without sudo). */
  hpiam(args: string[], extraEnv?: Record<string, string>, how?: RunHow): Promise<CliResult>;
  /** Runs the real AWS CLI on this node. */
  aws(args: string[], extraEnv?: Record<string, string>): Promise<RunResult>;
  /** Runs Debian's AWS CLI v2 (/usr/bin/aws), which reads the endpoint only from --endpoint-url. */
  awsV2(args: string[], extraEnv?: Record<string, string>): Promise<RunResult>;
  /** The accident: `aws configure` with an IAM user's key. */
  runAwsConfigure(): Promise<void>;
  stop(): Promise<void>;
}

export interface NodeOptions {
  imds?: Partial<ImdsConfig>;
  moto?: MotoOptions;
}

interface Instance {
  InstanceId: string;
  CustomerIpAddress: string;
}

/** A HyperPod worker node made of moto_server, the IMDS fake, a sandbox HOME and stubbed commands. */
export async function startSimulatedNode(options: NodeOptions = {}): Promise<SimulatedNode> {
  await requireTool("aws");
  const started: Array<{ stop(): Promise<void> }> = [];
  try {
    const moto: Moto = await startMoto(options.moto);
    started.push(moto);
    const world = await seedWorld(moto.endpoint);
    const sandbox = await createSandbox();
    started.push({ stop: sandbox.cleanup });
    const worker = await firstWorker(sandbox.resourceConfig);
    const imds = await startImds({
      roleName: EXECUTION_ROLE,
      credentials: world.nodeCredentials,
      instanceId: worker.InstanceId,
      localIpv4: worker.CustomerIpAddress,
      region: REGION,
      instanceProfileArn: `arn:aws:iam::123456789012:instance-profile/${EXECUTION_ROLE}`,
      ...options.imds,
    });
    started.push(imds);
    const env = {
      ...sandbox.env,
      AWS_ENDPOINT_URL: moto.endpoint,
      AWS_EC2_METADATA_SERVICE_ENDPOINT: imds.endpoint,
      AWS_REGION: REGION,
      AWS_DEFAULT_REGION: REGION,
      NO_COLOR: "1",
      LANG: "C.UTF-8",
    };
    const run = (argv: string[], extraEnv: Record<string, string> = {}) =>
      runProgram(argv, { ...env, ...extraEnv });

    return {
      sandbox,
      world,
      imds,
      env,
      instanceId: worker.InstanceId,
      hpiam: async (args, extraEnv = {}, how = {}) => {
        const result = await runHpiam(args, { ...env, ...extraEnv }, how);
        // Every whoami, diagnose and recover document a test makes is one a script can rely on.
        if (args.includes("--json") && isContractCommand(args[0]) && result.stdout.trim())
          expectContract(args[0], result.stdout);
        return result;
      },
      aws: (args, extraEnv) => run(["aws", ...args], extraEnv),
      // v2.9 joins the IMDS endpoint and its paths without a slash of its own.
      awsV2: (args, extraEnv) =>
        run([AWS_CLI_V2, ...args, "--endpoint-url", moto.endpoint], {
          AWS_EC2_METADATA_SERVICE_ENDPOINT: `${imds.endpoint}/`,
          ...extraEnv,
        }),
      async runAwsConfigure() {
        for (const [key, value] of [
          ["aws_access_key_id", world.leakedKey.accessKeyId],
          ["aws_secret_access_key", world.leakedKey.secretAccessKey],
          ["region", REGION],
        ] as const) {
          const result = await run(["aws", "configure", "set", key, value]);
          if (result.exitCode !== 0) throw new Error(`aws configure set ${key} failed: ${result.stderr}`);
        }
      },
      async stop() {
        await Promise.all(started.map((p) => p.stop()));
      },
    };
  } catch (error) {
    await Promise.all(started.map((p) => p.stop()));
    throw error;
  }
}

async function firstWorker(resourceConfig: string): Promise<Instance> {
  const config = JSON.parse(await readFile(resourceConfig, "utf8")) as {
    InstanceGroups: Array<{ Name: string; Instances: Instance[] }>;
  };
  const worker = config.InstanceGroups.find((group) => /worker|compute/.test(group.Name))?.Instances[0];
  if (!worker) throw new Error("the resource_config fixture has no worker instance");
  return worker;
}

/**
 * A simulated node for the tests of one `describe`: started before them, stopped after them (also on failure).
 * The returned object stands for the node once it is up.
 */
export function useSimulatedNode(options: NodeOptions = {}): SimulatedNode {
  return useStarted("the simulated node", () => startSimulatedNode(options));
}

/** No fixture secret (secret keys, session tokens) in anything a command printed. */
export function expectNoSecrets(node: SimulatedNode, ...results: RunResult[]): void {
  for (const result of results) {
    for (const secret of node.world.secrets) {
      expect(result.stdout).not.toContain(secret);
      expect(result.stderr).not.toContain(secret);
    }
  }
}

/** A line of a JavaScript stack trace: never shown without --verbose. */
export const STACK = /\bat .+:\d+:\d+\)?$/m;

/** What every answer to bad input is: no stack trace and no secret, whatever went wrong. */
export function expectCalm(node: SimulatedNode, ...results: RunResult[]): void {
  for (const result of results) {
    expect(result.stderr).not.toMatch(STACK);
    expect(result.stdout).not.toMatch(STACK);
  }
  expectNoSecrets(node, ...results);
}

/** A refusal or failure as a person sees it without --json: nothing on stdout, a message and at most a hint. */
export function expectOneLineError(
  node: SimulatedNode,
  result: RunResult,
  exitCode: number,
  message: RegExp,
) {
  expectCalm(node, result);
  expect(result.exitCode, result.stderr).toBe(exitCode);
  expect(result.stdout).toBe("");
  const lines = result.stderr.trimEnd().split("\n");
  expect(lines[0]).toMatch(message);
  expect(lines.length).toBeLessThanOrEqual(2);
}

/** A credentials file holding the leaked IAM user's key, as `aws configure` writes it. */
export const leakedCredentials = (node: SimulatedNode) =>
  `[default]\naws_access_key_id = ${node.world.leakedKey.accessKeyId}\naws_secret_access_key = ${node.world.leakedKey.secretAccessKey}\n`;

/**
 * Whether the process with this pid ends (or is a zombie: killed, waiting for init) within a few seconds: a
 * signal sent to it lands once the kernel schedules it.
 */
export async function ends(pid: number): Promise<boolean> {
  for (let waited = 0; waited < 5000; waited += 50) {
    const stat = await readFile(`/proc/${pid}/stat`, "utf8").catch(() => "");
    if (!stat || /^\d+ \(.*\) Z/.test(stat)) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return false;
}
