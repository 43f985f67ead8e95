import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ACCOUNT, EXECUTION_ROLE, LEAKED_USER } from "../support/aws-world";
import { expectNoSecrets, useSimulatedNode } from "../support/simulated-node";

describe("hpiam whoami on a simulated HyperPod node", () => {
  const node = useSimulatedNode();

  it("reports the execution role from the instance profile as healthy", async () => {
    const result = await node.hpiam(["whoami", "--json"]);
    expect(result.exitCode).toBe(0);
    const doc = JSON.parse(result.stdout);
    expect(doc.schemaVersion).toBe(1);
    expect(doc.identity).toMatchObject({
      account: ACCOUNT,
      type: "assumed-role",
      name: EXECUTION_ROLE,
      sessionName: "SageMaker",
    });
    expect(doc.credentialSource.provider).toBe("instance-metadata");
    expect(doc.instanceProfile).toMatchObject({
      reachable: true,
      roleName: EXECUTION_ROLE,
      instanceId: node.instanceId,
    });
    expect(doc.verdict.status).toBe("healthy");
    expectNoSecrets(node, result);
  });

  it("puts the verdict on top of a short human block", async () => {
    const result = await node.hpiam(["whoami"]);
    expect(result.exitCode).toBe(0);
    expect(result.stdout.split("\n")[0]).toMatch(/^✔ healthy/);
    expect(result.stdout).toContain(`assumed-role/${EXECUTION_ROLE}/SageMaker`);
    expect(result.stdout).toMatch(/ASIA…\w{4}/);
  });

  it("says which environment variables override the role", async () => {
    const result = await node.hpiam(["whoami", "--json"], {
      AWS_ACCESS_KEY_ID: node.world.leakedKey.accessKeyId,
      AWS_SECRET_ACCESS_KEY: node.world.leakedKey.secretAccessKey,
    });
    expect(result.exitCode).toBe(1);
    const doc = JSON.parse(result.stdout);
    expect(doc.credentialSource.provider).toBe("environment");
    expect(doc.verdict.status).toBe("overridden");
    expect(doc.verdict.fix).toContain("unset AWS_ACCESS_KEY_ID");
    expectNoSecrets(node, result);
  });

  it("names the file and profile after the real `aws configure`", async () => {
    const before = await node.aws(["sts", "get-caller-identity"]);
    expect(before.stdout).toContain(`assumed-role/${EXECUTION_ROLE}/SageMaker`);
    await node.runAwsConfigure();
    const after = await node.aws(["sts", "get-caller-identity"]);
    expect(after.stdout).toContain(`user/${LEAKED_USER}`);

    const json = await node.hpiam(["whoami", "--json"]);
    expect(json.exitCode).toBe(1);
    const doc = JSON.parse(json.stdout);
    expect(doc.identity).toMatchObject({ type: "iam-user", name: LEAKED_USER });
    expect(doc.credentialSource).toMatchObject({
      provider: "shared-credentials-file",
      profile: "default",
      path: join(node.sandbox.home, ".aws", "credentials"),
      accessKeyId: `${node.world.leakedKey.accessKeyId.slice(0, 4)}…${node.world.leakedKey.accessKeyId.slice(-4)}`,
      longTerm: true,
    });
    expect(doc.verdict).toMatchObject({
      status: "overridden",
      expectedRole: EXECUTION_ROLE,
      fix: "hpiam recover",
    });

    const human = await node.hpiam(["whoami"]);
    expect(human.exitCode).toBe(1);
    expect(human.stdout.split("\n")[0]).toMatch(/^✖ overridden .*\.aws\/credentials \[default\]/);
    expect(human.stdout).not.toContain(node.world.leakedKey.accessKeyId);
    expectNoSecrets(node, json, human);
  });
});

describe("hpiam whoami off EC2 and with bad input", () => {
  const node = useSimulatedNode();

  it("exits 3 with a clear message when there are no credentials and no IMDS", async () => {
    const result = await node.hpiam(["whoami"], { AWS_EC2_METADATA_SERVICE_ENDPOINT: "http://127.0.0.1:9" });
    expect(result.exitCode).toBe(3);
    expect(result.stdout).toMatch(/no-credentials/);
    expect(result.stdout).toMatch(/no AWS credentials found/);
    expect(result.stderr).not.toMatch(/at .*\.js:\d+/);
  });

  it("compares with --expect-role instead of the instance profile", async () => {
    const result = await node.hpiam(["whoami", "--json", "--expect-role", "SomeOtherRole"]);
    expect(result.exitCode).toBe(1);
    expect(JSON.parse(result.stdout).verdict).toMatchObject({
      status: "mismatch",
      expectedRole: "SomeOtherRole",
    });
  });

  it.each([
    [["whoami", "--bogus"], /unknown option '--bogus'/],
    [["whoami", "--region", "not a region"], /--region: "not a region" is not an AWS Region/],
    [
      ["whoami", "--expect-role", "arn:aws:s3:::bucket"],
      /--expect-role: .* neither a role name nor a role ARN/,
    ],
    [["nonsense"], /unknown command 'nonsense'/],
  ])("refuses %j with exit 2 and one line", async (args, message) => {
    const result = await node.hpiam(args);
    expect(result.exitCode).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(message);
    expect(result.stderr.trim().split("\n").length).toBeLessThanOrEqual(2);
  });

  it("calls STS in the Region AWS_DEFAULT_REGION names, over the config file's, as aws does", async () => {
    const result = await node.hpiam(["whoami", "--json"], {
      AWS_REGION: "",
      AWS_DEFAULT_REGION: "eu-north-1",
    });
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ region: "eu-north-1" });
  });

  it("prints an error document for scripts when --json is given", async () => {
    const result = await node.hpiam(["whoami", "--json", "--region", "nowhere"]);
    expect(result.exitCode).toBe(2);
    expect(JSON.parse(result.stdout)).toMatchObject({ schemaVersion: 1, error: { code: "usage" } });
  });
});

describe("hpiam whoami --json keeps README's fields: every one present, `null` where it has no value", () => {
  const node = useSimulatedNode();
  const keysOf = (value: unknown) => Object.keys(value as object).sort();
  const SOURCE = [
    "accessKeyId",
    "line",
    "local",
    "longTerm",
    "method",
    "path",
    "profile",
    "provider",
    "roleArn",
  ];
  const INSTANCE_PROFILE = [
    "error",
    "instanceId",
    "instanceProfileArn",
    "localIpv4",
    "reachable",
    "region",
    "roleName",
  ];
  const VERDICT = ["expectedFrom", "expectedRole", "fix", "reason", "status"];
  const DOCUMENT = [
    "chainError",
    "credentialSource",
    "identity",
    "instanceProfile",
    "nodeJs",
    "problem",
    "region",
    "schemaVersion",
    "undecided",
    "verdict",
  ];

  it("on a healthy node: no profile or path of the instance metadata link, no fix, no IMDS error", async () => {
    const doc = JSON.parse((await node.hpiam(["whoami", "--json"])).stdout);
    expect(keysOf(doc)).toEqual(DOCUMENT);
    expect(keysOf(doc.credentialSource)).toEqual(SOURCE);
    expect(doc.credentialSource).toMatchObject({ profile: null, path: null, line: null, roleArn: null });
    expect(keysOf(doc.instanceProfile)).toEqual(INSTANCE_PROFILE);
    expect(doc.instanceProfile.error).toBeNull();
    expect(keysOf(doc.verdict)).toEqual(VERDICT);
    expect(doc.verdict.fix).toBeNull();
    expect(doc).toMatchObject({ problem: null, chainError: null, undecided: null, nodeJs: null });
  });

  it("with IMDS unreachable and a profile no file defines: every instance profile and chain error field", async () => {
    const doc = JSON.parse(
      (
        await node.hpiam(["whoami", "--json"], {
          AWS_EC2_METADATA_SERVICE_ENDPOINT: "http://127.0.0.1:9",
          AWS_PROFILE: "dev",
        })
      ).stdout,
    );
    expect(keysOf(doc)).toEqual(DOCUMENT);
    expect(doc.instanceProfile).toMatchObject({
      reachable: false,
      roleName: null,
      instanceProfileArn: null,
      instanceId: null,
      localIpv4: null,
      region: null,
      error: expect.stringMatching(/ECONNREFUSED/),
    });
    expect(keysOf(doc.instanceProfile)).toEqual(INSTANCE_PROFILE);
    expect(keysOf(doc.verdict)).toEqual(VERDICT);
    expect(doc.verdict).toMatchObject({ status: "broken", expectedRole: null, expectedFrom: null });
    expect(doc.chainError).toEqual({
      kind: "profile-not-found",
      message: "The config profile (dev) could not be found",
      detail: null,
      fix: expect.stringMatching(/^unset AWS_PROFILE/),
      provider: null,
      path: null,
      line: null,
    });
    expect(doc.credentialSource).toBeNull();
  });
});
