import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { RecoverResult } from "../../src/recover/types";
import { diagnoseReport } from "../support/diagnose-report";
import { expectNoSecrets, leakedCredentials, useSimulatedNode } from "../support/simulated-node";

// whoami, diagnose and recover judge the node with one model of botocore's chain, so they agree with each
// other and with the AWS CLI; each case here is one the SDK for JavaScript's chain got wrong.
describe("whoami, diagnose and recover agree on botocore's chain", () => {
  const node = useSimulatedNode();
  const home = () => node.sandbox.home;
  const keys = () =>
    `aws_access_key_id = ${node.world.leakedKey.accessKeyId}\naws_secret_access_key = ${node.world.leakedKey.secretAccessKey}\n`;

  afterEach(async () => {
    for (const name of [".aws", ".boto", "elsewhere.ini", "token"])
      await rm(join(home(), name), { recursive: true, force: true });
    for (const name of await readdir(home())) {
      if (name.startsWith(".aws.hpiam-")) await rm(join(home(), name), { recursive: true, force: true });
    }
  });

  async function judged(env: Record<string, string> = {}) {
    const [whoami, diagnose, cli] = await Promise.all([
      node.hpiam(["whoami", "--json"], env),
      node.hpiam(["diagnose", "--json"], env),
      node.aws(["sts", "get-caller-identity"], env),
    ]);
    expectNoSecrets(node, whoami, diagnose);
    return {
      whoami: JSON.parse(whoami.stdout),
      whoamiExit: whoami.exitCode,
      report: diagnoseReport(diagnose),
      cli,
    };
  }

  it("a key id without its secret: broken for whoami, failing for diagnose, failing for the AWS CLI", async () => {
    const { whoami, whoamiExit, report, cli } = await judged({
      AWS_ACCESS_KEY_ID: node.world.leakedKey.accessKeyId,
    });
    expect(cli.exitCode).not.toBe(0);
    expect(whoamiExit).toBe(1);
    expect(whoami.verdict).toMatchObject({
      status: "broken",
      reason:
        "boto3 and the AWS CLI stop with: Partial credentials found in env, missing: AWS_SECRET_ACCESS_KEY",
    });
    expect(report.exitCode).toBe(1);
    expect(report.check("environment")).toMatchObject({
      status: "fail",
      message: expect.stringContaining("Partial credentials"),
    });
    expect(report.check("caller-identity").status).toBe("fail");
  });

  it("AWS_PROFILE naming no profile: broken, with the AWS CLI's own message and the unset that fixes it", async () => {
    const { whoami, report, cli } = await judged({ AWS_PROFILE: "ghost" });
    expect(cli.stderr).toContain("The config profile (ghost) could not be found");
    expect(whoami.verdict).toMatchObject({
      status: "broken",
      fix: expect.stringContaining("unset AWS_PROFILE"),
    });
    expect(report.check("environment")).toMatchObject({
      status: "fail",
      remediation: expect.stringContaining("unset AWS_PROFILE"),
    });
  });

  it("AWS_DEFAULT_PROFILE: followed as botocore does, and diagnose says Node.js tools ignore it", async () => {
    await mkdir(join(home(), ".aws"));
    await writeFile(join(home(), ".aws", "credentials"), `[dev]\n${keys()}`);
    const { whoami, report } = await judged({ AWS_DEFAULT_PROFILE: "dev" });
    expect(whoami.verdict.status).toBe("overridden");
    expect(whoami.credentialSource).toMatchObject({ provider: "shared-credentials-file", profile: "dev" });
    // The contract's fields are there, null where an IAM user has none.
    expect(whoami.identity).toMatchObject({ type: "iam-user", name: "alice", sessionName: null });
    expect(report.check("environment").message).toContain(
      "AWS_DEFAULT_PROFILE=dev: boto3 and the AWS CLI use profile dev",
    );
    expect(report.exitCode).toBe(1);
  });

  it("environment keys with AWS_PROFILE set: whoami answers for botocore and says where Node.js tools differ", async () => {
    await mkdir(join(home(), ".aws"));
    await writeFile(join(home(), ".aws", "credentials"), `[default]\nregion = us-west-2\n[dev]\n${keys()}`);
    // Keys of a key id moto does not know: STS refuses them, but the point is which keys each chain picks.
    const env = {
      AWS_PROFILE: "dev",
      AWS_ACCESS_KEY_ID: "AKIAIOSFODNN7EXAMPLE",
      AWS_SECRET_ACCESS_KEY: "x".repeat(40),
    };
    const { whoami } = await judged(env);
    expect(whoami.credentialSource.provider).toBe("environment");
    expect(whoami.nodeJs).toMatchObject({ provider: "shared-credentials-file", profile: "dev" });
    const human = await node.hpiam(["whoami"], env);
    expect(human.stdout).toMatch(/node\.js tools +sign with static keys in .*\[dev\]/);
  });

  it("keys in ~/.boto: whoami and diagnose name the file botocore reads", async () => {
    await writeFile(join(home(), ".boto"), `[Credentials]\n${keys()}`);
    const { whoami, report, cli } = await judged();
    expect(cli.stdout).toContain("user/alice");
    expect(whoami.credentialSource).toMatchObject({ provider: "boto-config", path: join(home(), ".boto") });
    expect(whoami.verdict.status).toBe("overridden");
    expect(report.check("aws-files")).toMatchObject({
      status: "fail",
      message: expect.stringContaining(`the boto config ${join(home(), ".boto")}`),
    });
  });

  it("recover moves ~/.boto aside with ~/.aws under one stamp, verifies the role, and --undo puts both back", async () => {
    await node.runAwsConfigure();
    const boto = `[Credentials]\n${keys()}`;
    await writeFile(join(home(), ".boto"), boto);
    const result = await node.hpiam(["recover", "--yes", "--no-reboot", "--json"]);
    const doc = JSON.parse(result.stdout) as RecoverResult;
    expect(result.exitCode, result.stdout).toBe(0);
    expect(doc.result).toBe("recovered");
    expect(doc.steps.map((step) => [step.id, step.status])).toEqual([
      ["move-aws-dir", "done"],
      ["move-boto", "done"],
      ["verify", "done"],
      ["reboot", "skipped"],
    ]);
    const stamp = (path: string) => /(\d{8}T\d{6}Z)/u.exec(path)?.[1];
    const [awsBackup, botoBackup] = doc.backups;
    expect(stamp(botoBackup ?? "")).toBe(stamp(awsBackup ?? ""));
    expect(await readFile(botoBackup ?? "", "utf8")).toBe(boto);
    expect((await node.aws(["sts", "get-caller-identity"])).stdout).toContain("assumed-role");

    const undo = await node.hpiam(["recover", "--undo", "--json"]);
    expect(JSON.parse(undo.stdout)).toMatchObject({ result: "restored" });
    expect(await readFile(join(home(), ".boto"), "utf8")).toBe(boto);
    expect((await node.aws(["sts", "get-caller-identity"])).stdout).toContain("user/alice");
    expectNoSecrets(node, result, undo);
  });

  it("a web identity: not the role for whoami, and not healthy for diagnose either", async () => {
    await writeFile(join(home(), "token"), "eyJ0b2tlbiJ9");
    const { whoami, whoamiExit, report } = await judged({
      AWS_ROLE_ARN: node.world.roleArn.replace(/role\/.*/u, "role/SomeoneElse"),
      AWS_WEB_IDENTITY_TOKEN_FILE: join(home(), "token"),
    });
    expect(whoami.credentialSource.provider).toBe("web-identity");
    expect(whoamiExit).toBe(1);
    expect(report.exitCode).toBe(1);
  });

  it("recover with keys through AWS_SHARED_CREDENTIALS_FILE outside ~/.aws: failed, naming the unset, never nothing-to-do", async () => {
    const elsewhere = join(home(), "elsewhere.ini");
    await writeFile(elsewhere, leakedCredentials(node));
    const result = await node.hpiam(["recover", "--yes", "--no-reboot", "--json"], {
      AWS_SHARED_CREDENTIALS_FILE: elsewhere,
    });
    const doc = JSON.parse(result.stdout) as RecoverResult;
    expect(result.exitCode).toBe(1);
    expect(doc.result).toBe("failed");
    expect(doc.manual).toContainEqual(
      expect.objectContaining({
        kind: "key-file",
        path: elsewhere,
        command: "unset AWS_SHARED_CREDENTIALS_FILE",
      }),
    );
    expectNoSecrets(node, result);
  });

  it("recover with AWS_PROFILE still naming the moved profile: failed, since boto3 then cannot sign at all", async () => {
    await node.runAwsConfigure();
    await writeFile(join(home(), ".aws", "credentials"), `[dev]\n${keys()}`);
    const result = await node.hpiam(["recover", "--yes", "--no-reboot", "--json"], { AWS_PROFILE: "dev" });
    const doc = JSON.parse(result.stdout) as RecoverResult;
    expect(result.exitCode).toBe(1);
    expect(doc.result).toBe("failed");
    expect(doc.verification).toMatchObject({
      status: "broken",
      reason: expect.stringContaining("The config profile (dev) could not be found"),
    });
  });
});
