import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { mockClient } from "aws-sdk-client-mock";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { identification, judgeIdentification } from "../../src/identity/identify";
import { createAwsPort } from "../../src/system/aws";
import { openImdsSession } from "../../src/system/imds-session";
import { type FakeImds, startImds } from "../support/imds";

// The real adapter reads real files; these tests check that hpiam names the link botocore's chain picks.
const sts = mockClient(STSClient);
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
  const aws = createAwsPort(process.env, async () => undefined, openImdsSession());
  const found = await identification(aws, { profile });
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

describe("where botocore stops on what a link gives, the adapter stops with its words", () => {
  const config = (text: string) => writeFile(join(home, ".aws", "config"), text);
  const stopped = async () => (await judged()).chainError?.message;
  const printing = async (output: string, code = 0) => {
    const script = join(home, "creds.js");
    await writeFile(script, `process.stdout.write(${JSON.stringify(output)}); process.exitCode = ${code};`);
    await config(`[default]\ncredential_process = ${process.execPath} ${script}\n`);
  };
  const keys = (extra = "") =>
    `{"Version": 1, "AccessKeyId": "ASIAPROCESSPROVIDER1", "SecretAccessKey": "${"p".repeat(40)}"${extra}}`;

  it("runs credential_process without a shell: `$HOME` stays literal", async () => {
    await config("[default]\ncredential_process = $HOME/creds.sh\n");
    expect(await stopped()).toBe("[Errno 2] No such file or directory: '$HOME/creds.sh'");
  });

  it("reads credential_process's output as botocore does", async () => {
    await printing("not json");
    expect(await stopped()).toBe("Expecting value: line 1 column 1 (char 0)");
    await printing("[1]");
    expect(await stopped()).toBe("'list' object has no attribute 'get'");
    await printing(keys().replace('"Version": 1', '"Version": 2'));
    expect((await judged()).chainError?.detail).toBe(
      "Unsupported version '2' for credential process provider, supported versions: 1",
    );
    await printing(keys(', "Expiration": "2000-01-01T00:00:00Z"'));
    expect(await stopped()).toBe(
      "Credentials were refreshed, but the refreshed credentials are still expired.",
    );
    await printing(keys(', "Expiration": "next week"'));
    expect(await judged()).toMatchObject({
      verdict: { status: "unknown" },
      undecided: { setting: "credential_process of [default]" },
      identity: null,
    });
    await printing(keys(', "Expiration": "2099-01-01T00:00:00Z"'));
    expect(await winner()).toMatchObject({ provider: "process", accessKeyId: "ASIA…DER1" });
  });

  it("checks a web identity token and a role's parameters before any STS call", async () => {
    vi.stubEnv("AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/Web");
    vi.stubEnv("AWS_WEB_IDENTITY_TOKEN_FILE", join(home, "token"));
    expect(await stopped()).toBe(`[Errno 2] No such file or directory: '${join(home, "token")}'`);
    await writeFile(join(home, "token"), "abc");
    expect(await stopped()).toBe(
      "Parameter validation failed:\nInvalid length for parameter WebIdentityToken, value: 3, valid min length: 4",
    );
    vi.unstubAllEnvs();
    vi.stubEnv("HOME", home);
    vi.stubEnv("AWS_REGION", "us-west-2");
    await config(
      `[default]\nrole_arn = arn:aws:iam::123456789012:role/Dev\nsource_profile = keys\nrole_session_name = x\nduration_seconds = 100\n[profile keys]\n${staticKeys(FILE_KEY)}`,
    );
    expect(await stopped()).toBe(
      "Parameter validation failed:\nInvalid length for parameter RoleSessionName, value: 1, valid min length: 2\nInvalid value for parameter DurationSeconds, value: 100, valid min value: 900",
    );
  });

  it("stops where botocore would ask for an MFA code, or finds no keys in a credential_source", async () => {
    await config(
      `[default]\nrole_arn = arn:aws:iam::123456789012:role/Dev\nsource_profile = keys\nmfa_serial = arn:aws:iam::123456789012:mfa/bob\n[profile keys]\n${staticKeys(FILE_KEY)}`,
    );
    expect(await stopped()).toBe("Enter MFA code for arn:aws:iam::123456789012:mfa/bob:");
    await config(
      "[default]\nrole_arn = arn:aws:iam::123456789012:role/Dev\ncredential_source = Ec2InstanceMetadata\n",
    );
    vi.stubEnv("AWS_EC2_METADATA_DISABLED", "true");
    expect(await stopped()).toBe(
      "Error when retrieving credentials from Ec2InstanceMetadata: No credentials found in credential_source referenced in profile default",
    );
  });

  it("refuses a container endpoint on a host botocore refuses", async () => {
    vi.stubEnv("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://example.com/creds");
    expect(await stopped()).toMatch(/^Unsupported host 'example.com'\. {2}Can only retrieve metadata/);
  });

  it("expands `~user` in the file variables as Python does, and only `~` in AWS_CREDENTIAL_FILE", async () => {
    await writeCredentials(`[default]\n${staticKeys(FILE_KEY)}`, join(home, "keys.ini"));
    vi.stubEnv("AWS_SHARED_CREDENTIALS_FILE", `~root/..${home}/keys.ini`);
    expect(await winner()).toMatchObject({
      provider: "shared-credentials-file",
      path: `/root/..${home}/keys.ini`,
    });
    vi.stubEnv("AWS_SHARED_CREDENTIALS_FILE", undefined);
    vi.stubEnv("AWS_CREDENTIAL_FILE", "$HOME/ec2.txt");
    await writeFile(join(home, "ec2.txt"), `AWSAccessKeyId=${FILE_KEY}\nAWSSecretKey=${"x".repeat(40)}\n`);
    expect(await stopped()).toBe("The specified config file ($HOME/ec2.txt) could not be found.");
  });
});

describe("the SDK for JavaScript's second opinion", () => {
  const portWithSpy = () => {
    const aws = createAwsPort(process.env, async () => undefined, openImdsSession());
    return { aws, jsChain: vi.spyOn(aws, "jsChain") };
  };

  it("is not asked for the instance profile's keys a second time where its chain can only end at the same IMDS", async () => {
    const { aws, jsChain } = portWithSpy();
    const found = await identification(aws, {});
    expect(found.chain).toMatchObject({ kind: "link", link: { method: "iam-role" } });
    expect(found.credentials?.accessKeyId).toBe("ASIAINSTANCEPROFILE1");
    expect(found.jsChain).toBeUndefined();
    expect(jsChain).not.toHaveBeenCalled();
  });

  it("is asked where a shared file or a variable of its chain may lead elsewhere, or IMDS gave botocore no keys", async () => {
    const { aws, jsChain } = portWithSpy();
    await writeFile(join(home, ".aws", "config"), "[default]\nregion = us-west-2\n");
    await identification(aws, {});
    expect(jsChain).toHaveBeenCalledTimes(1);
    await rm(join(home, ".aws", "config"));
    vi.stubEnv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/credentials");
    await identification(aws, {});
    expect(jsChain).toHaveBeenCalledTimes(2);
    vi.stubEnv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", undefined);
    // Nothing listens there: botocore's IMDS link gives no keys, and the SDK's chain may still find some. A run
    // of its own: a run asks one IMDS.
    vi.stubEnv("AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://127.0.0.1:9");
    const unreachable = portWithSpy();
    const found = await identification(unreachable.aws, {});
    expect(found.credentialsError).toBeDefined();
    expect(unreachable.jsChain).toHaveBeenCalledTimes(1);
  });
});
