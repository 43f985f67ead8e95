import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { mockClient } from "aws-sdk-client-mock";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { judgeIdentification } from "../../src/identity/identify";
import { createAwsPort } from "../../src/system/aws";
import { createExecutor } from "../../src/system/exec";
import { type FakeImds, startImds } from "../support/imds";

// The real adapter reads real files; these tests check that hpiam names the link botocore's chain picks.
const sts = mockClient(STSClient);
const log = { debug() {}, info() {} };
const ENV_KEY = "AKIAENVIRONMENT00001";
const FILE_KEY = "AKIACREDENTIALSFILE1";

let imds: FakeImds;
let home: string;

beforeAll(async () => {
  imds = await startImds({
    roleName: "ExecRole",
    credentials: {
      AccessKeyId: "ASIAINSTANCEPROFILE1",
      SecretAccessKey: "s".repeat(40),
      SessionToken: "t".repeat(60),
    },
  });
});
afterAll(async () => {
  await imds.stop();
});

beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), "hpiam-chain-"));
  await mkdir(join(home, ".aws"));
  for (const name of ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"]) {
    vi.stubEnv(name, undefined);
  }
  for (const name of [
    "AWS_SHARED_CREDENTIALS_FILE",
    "AWS_CONFIG_FILE",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
  ]) {
    vi.stubEnv(name, undefined);
  }
  vi.stubEnv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", undefined);
  vi.stubEnv("AWS_WEB_IDENTITY_TOKEN_FILE", undefined);
  vi.stubEnv("HOME", home);
  vi.stubEnv("AWS_REGION", "us-west-2");
  vi.stubEnv("AWS_EC2_METADATA_SERVICE_ENDPOINT", imds.endpoint);
  sts.reset();
  sts
    .on(GetCallerIdentityCommand)
    .resolves({ Account: "123456789012", Arn: "arn:aws:iam::123456789012:user/x" });
});
afterEach(async () => {
  vi.unstubAllEnvs();
  await rm(home, { recursive: true, force: true });
});

async function judged(profile?: string) {
  const aws = createAwsPort(process.env, log, async () => undefined, createExecutor());
  const found = await aws.identify({ profile });
  return judgeIdentification(found, { reachable: true, roleName: "ExecRole" }, process.env, { profile });
}

async function winner(profile?: string) {
  const { credentialSource, chainError, problem } = await judged(profile);
  if (!credentialSource) throw new Error(`no credentials: ${chainError?.message ?? problem?.message}`);
  return credentialSource;
}

const writeCredentials = (text: string, path = join(home, ".aws", "credentials")) => writeFile(path, text);
const staticKeys = (id: string) => `aws_access_key_id = ${id}\naws_secret_access_key = ${"x".repeat(40)}\n`;

describe("botocore's chain, as the adapter follows it", () => {
  it("falls through to the instance profile when nothing local is set", async () => {
    expect(await winner()).toMatchObject({
      provider: "instance-metadata",
      local: false,
      accessKeyId: "ASIA…ILE1",
    });
  });

  it("takes the credentials file over IMDS", async () => {
    await writeCredentials(`[default]\n${staticKeys(FILE_KEY)}`);
    expect(await winner()).toMatchObject({
      provider: "shared-credentials-file",
      profile: "default",
      path: join(home, ".aws", "credentials"),
      accessKeyId: "AKIA…ILE1",
      longTerm: true,
    });
  });

  it("takes environment variables over the credentials file", async () => {
    await writeCredentials(`[default]\n${staticKeys(FILE_KEY)}`);
    vi.stubEnv("AWS_ACCESS_KEY_ID", ENV_KEY);
    vi.stubEnv("AWS_SECRET_ACCESS_KEY", "e".repeat(40));
    expect(await winner()).toMatchObject({ provider: "environment", accessKeyId: "AKIA…0001" });
  });

  it("signs with environment keys even when AWS_PROFILE is set, and says Node.js tools would not", async () => {
    await writeCredentials(`[default]\n${staticKeys(ENV_KEY)}\n[team]\n${staticKeys(FILE_KEY)}`);
    vi.stubEnv("AWS_PROFILE", "team");
    vi.stubEnv("AWS_ACCESS_KEY_ID", ENV_KEY);
    vi.stubEnv("AWS_SECRET_ACCESS_KEY", "e".repeat(40));
    const report = await judged();
    expect(report.credentialSource).toMatchObject({ provider: "environment", accessKeyId: "AKIA…0001" });
    expect(report.nodeJs).toMatchObject({ provider: "shared-credentials-file", profile: "team" });
  });

  it("takes --profile over environment keys", async () => {
    await writeCredentials(`[team]\n${staticKeys(FILE_KEY)}`);
    vi.stubEnv("AWS_ACCESS_KEY_ID", ENV_KEY);
    vi.stubEnv("AWS_SECRET_ACCESS_KEY", "e".repeat(40));
    expect(await winner("team")).toMatchObject({ provider: "shared-credentials-file", profile: "team" });
  });

  it("stops, as botocore does, on a key id without its secret", async () => {
    vi.stubEnv("AWS_ACCESS_KEY_ID", ENV_KEY);
    const report = await judged();
    expect(report.verdict.status).toBe("broken");
    expect(report.chainError?.message).toBe(
      "Partial credentials found in env, missing: AWS_SECRET_ACCESS_KEY",
    );
  });

  it("reads the file AWS_SHARED_CREDENTIALS_FILE names", async () => {
    const elsewhere = join(home, "elsewhere-credentials");
    await writeCredentials(`[default]\n${staticKeys(FILE_KEY)}`, elsewhere);
    vi.stubEnv("AWS_SHARED_CREDENTIALS_FILE", elsewhere);
    expect(await winner()).toMatchObject({ provider: "shared-credentials-file", path: elsewhere });
  });

  it("names the config file when its profile holds the keys", async () => {
    await writeFile(join(home, ".aws", "config"), `[profile dev]\n${staticKeys(FILE_KEY)}`);
    expect(await winner("dev")).toMatchObject({
      provider: "config-file",
      profile: "dev",
      path: join(home, ".aws", "config"),
    });
  });

  it("recognises credential_process", async () => {
    const script = join(home, "creds.js");
    await writeFile(
      script,
      `console.log(JSON.stringify({Version:1,AccessKeyId:"ASIAPROCESSPROVIDER1",SecretAccessKey:"${"p".repeat(40)}",SessionToken:"tok"}))`,
    );
    await writeFile(
      join(home, ".aws", "config"),
      `[default]\ncredential_process = ${process.execPath} ${script}\n`,
    );
    expect(await winner()).toMatchObject({ provider: "process", profile: "default", local: true });
  });
});
