import { execa } from "execa";
import { chmod, mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type ScriptedAnswer, startScriptedEndpoint } from "../support/imds";
import { expectCalm, ends, useSimulatedNode } from "../support/simulated-node";

// Hostile input for whoami: every case ends in its documented exit code, a short message, no stack trace,
// no secret, and nothing written anywhere.

const stsError = (status: number, code: string): ScriptedAnswer => ({
  status,
  body: `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>${code}</Code><Message>${code} happened</Message></Error><RequestId>1</RequestId></ErrorResponse>`,
});

describe("whoami with hostile AWS files", () => {
  const node = useSimulatedNode();
  const aws = () => join(node.sandbox.home, ".aws");
  const keys = () =>
    `aws_access_key_id = ${node.world.leakedKey.accessKeyId}\naws_secret_access_key = ${node.world.leakedKey.secretAccessKey}\n`;

  afterEach(async () => {
    await rm(aws(), { recursive: true, force: true });
  });

  async function whoamiWith(credentials: string | Buffer) {
    await mkdir(aws(), { recursive: true });
    await writeFile(join(aws(), "credentials"), credentials);
    const before = await readdir(aws());
    const result = await node.hpiam(["whoami", "--json"]);
    expectCalm(node, result);
    expect(await readdir(aws())).toEqual(before);
    return { result, doc: JSON.parse(result.stdout) };
  }

  it("still finds the keys with CRLF line endings", async () => {
    const { result, doc } = await whoamiWith(`[default]\r\n${keys().replace(/\n/g, "\r\n")}`);
    expect(result.exitCode).toBe(1);
    expect(doc.credentialSource).toMatchObject({ provider: "shared-credentials-file", profile: "default" });
  });

  it.each([
    ["a duplicate [default] section", () => `[default]\nregion = us-west-2\n[default]\n${keys()}`],
    ["a byte-order mark", () => `\uFEFF[default]\n${keys()}`],
    ["binary garbage", () => Buffer.from([0, 255, 1, 2, 91, 0, 93, 10, 200])],
    ["no section at all", () => keys()],
  ])("calls the chain broken, as botocore stops on it, with %s", async (_what, content) => {
    const { result, doc } = await whoamiWith(content());
    expect(result.exitCode).toBe(1);
    expect(doc.verdict.status).toBe("broken");
    expect(doc.chainError).toMatchObject({
      kind: "parse-error",
      message: `Unable to parse config file: ${join(aws(), "credentials")}`,
    });
  });

  it("ignores an empty credentials file and stays on the instance profile", async () => {
    const { result, doc } = await whoamiWith("");
    expect(result.exitCode).toBe(0);
    expect(doc.credentialSource.provider).toBe("instance-metadata");
  });

  it("survives a directory where the credentials file should be", async () => {
    await mkdir(join(aws(), "credentials"), { recursive: true });
    const result = await node.hpiam(["whoami", "--json"]);
    expectCalm(node, result);
    expect(result.exitCode).toBe(0);
  });

  it("refuses a FIFO where the config file should be instead of hanging on it", async () => {
    await mkdir(aws(), { recursive: true });
    await execa("mkfifo", [join(aws(), "config")]);
    const result = await node.hpiam(["whoami", "--json"]);
    expectCalm(node, result);
    expect(result.exitCode).toBe(3);
    expect(JSON.parse(result.stdout).error).toMatchObject({ code: "bad-aws-file" });
    expect(result.stderr).toMatch(/config is not a regular file/);
  });

  it("works with HOME unset when the SDK's file variables say where the files are", async () => {
    await mkdir(aws(), { recursive: true });
    await writeFile(join(aws(), "credentials"), `[default]\n${keys()}`);
    await chmod(join(aws(), "credentials"), 0o600);
    const result = await node.hpiam(["whoami", "--json"], {
      HOME: "",
      AWS_SHARED_CREDENTIALS_FILE: join(aws(), "credentials"),
      AWS_CONFIG_FILE: join(aws(), "config"),
    });
    expectCalm(node, result);
    expect(result.exitCode).toBe(1);
    expect(JSON.parse(result.stdout).credentialSource.path).toBe(join(aws(), "credentials"));
  });
  it("bounds a credential_process whose child hangs, and ends the child with it", async () => {
    await mkdir(aws(), { recursive: true });
    const pidFile = join(aws(), "child.pid");
    await writeFile(
      join(aws(), "config"),
      `[default]\ncredential_process = sh -c 'sleep 30 & echo $! > "$0"; wait' ${pidFile}\n`,
    );
    const result = await node.hpiam(["whoami", "--json"]);
    expectCalm(node, result);
    // botocore would wait on: what it then signs with is not known, so never healthy, and exit 3.
    expect(result.exitCode).toBe(3);
    expect(JSON.parse(result.stdout)).toMatchObject({
      verdict: { status: "unknown" },
      undecided: {
        setting: "credential_process of [default]",
        why: "it did not finish within 3 s, and botocore waits for it",
      },
    });
    const child = Number(await readFile(pidFile, "utf8"));
    expect(await ends(child), `the process's child ${child}`).toBe(true);
  });
});

describe("whoami with a hostile instance metadata service", () => {
  const node = useSimulatedNode();

  it.each<[string, ScriptedAnswer]>([
    ["answers 500", { status: 500, body: "oops" }],
    ["answers garbage", { status: 200, body: "\u0000{not json" }],
    ["answers a huge body", { status: 200, body: "x".repeat(1024), repeat: 10 * 1024 }],
    ["answers slowly", { status: 200, body: "late", delayMs: 4000 }],
    ["never answers", { hang: true }],
  ])("exits 3 (no credentials) when IMDS %s", async (_what, answer) => {
    const imds = await startScriptedEndpoint(answer);
    try {
      const started = Date.now();
      const result = await node.hpiam(["whoami", "--json"], {
        AWS_EC2_METADATA_SERVICE_ENDPOINT: imds.endpoint,
      });
      expectCalm(node, result);
      expect(result.exitCode).toBe(3);
      const doc = JSON.parse(result.stdout);
      expect(doc.verdict.status).toBe("no-credentials");
      expect(doc.instanceProfile.reachable === false || doc.instanceProfile.roleName === null).toBe(true);
      // A hang must not hold a fleet-wide run: bounded well below the 10 s diagnose allows itself.
      expect(Date.now() - started).toBeLessThan(10_000);
    } finally {
      await imds.stop();
    }
  });
});

describe("whoami with a hostile STS", () => {
  const node = useSimulatedNode();

  it.each<[string, ScriptedAnswer, string]>([
    ["InvalidClientTokenId", stsError(403, "InvalidClientTokenId"), "invalid-key"],
    ["ExpiredToken", stsError(400, "ExpiredToken"), "expired-token"],
    ["Throttling", stsError(400, "Throttling"), "throttled"],
    [
      "a 500",
      { status: 500, body: "<html>internal error</html>", contentType: "text/html" },
      "service-error",
    ],
  ])("still names the local key that overrides the role when STS answers %s", async (_what, answer, kind) => {
    const sts = await startScriptedEndpoint(answer);
    try {
      const result = await node.hpiam(["whoami", "--json"], {
        AWS_ENDPOINT_URL: sts.endpoint,
        AWS_ACCESS_KEY_ID: node.world.leakedKey.accessKeyId,
        AWS_SECRET_ACCESS_KEY: node.world.leakedKey.secretAccessKey,
      });
      expectCalm(node, result);
      expect(result.exitCode).toBe(1);
      const doc = JSON.parse(result.stdout);
      expect(doc.problem.kind).toBe(kind);
      expect(doc.verdict.status).toBe("overridden");
      expect(doc.identity).toBeNull();
    } finally {
      await sts.stop();
    }
  });

  it("exits 3 when STS never answers and nothing local overrides the role", async () => {
    const sts = await startScriptedEndpoint({ hang: true });
    try {
      const result = await node.hpiam(["whoami"], { AWS_ENDPOINT_URL: sts.endpoint });
      expectCalm(node, result);
      expect(result.exitCode).toBe(3);
      expect(result.stdout).toMatch(/could not be reached/);
    } finally {
      await sts.stop();
    }
  });
});
