// hpiam sends GetCallerIdentity without the SDK's STS client (whoami's start time): these hold it to that
// client, side by side in one process, on where the request goes, how it is signed, and what an answer becomes.
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { getCallerIdentity, stsTarget } from "../../src/system/sts-caller-identity";
import { toCallError } from "../../src/system/aws";

const credentials = { accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "not-a-secret" };
const TIMEOUTS = { connectionTimeout: 2000, requestTimeout: 2500 };

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "hpiam-sts-"));
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await rm(dir, { recursive: true, force: true });
});

/** Where the client sends GetCallerIdentity, and the scope it signs with, read off the request it builds. */
async function clientTarget(region: string, profile: string | undefined) {
  let seen: { url: string; scope: string } | undefined;
  const sts = new STSClient({
    region,
    profile,
    credentials,
    maxAttempts: 1,
    requestHandler: {
      handle: async (request: {
        protocol: string;
        hostname: string;
        port?: number;
        path: string;
        headers: Record<string, string>;
      }) => {
        const port = request.port ? `:${request.port}` : "";
        seen = {
          url: new URL(`${request.protocol}//${request.hostname}${port}${request.path}`).href,
          scope:
            /Credential=[^/]+\/\d+\/([^/]+\/[^/]+)\//.exec(request.headers.authorization ?? "")?.[1] ?? "",
        };
        throw new Error("recorded");
      },
    },
  });
  try {
    await sts.send(new GetCallerIdentityCommand({}));
  } catch (error) {
    if (!seen) return { error: (error as Error).message };
  } finally {
    sts.destroy();
  }
  return seen;
}

async function ourTarget(region: string, profile: string | undefined) {
  try {
    const target = await stsTarget(region, profile);
    return { url: target.url.href, scope: `${target.signingRegion}/${target.signingName}` };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

let configs = 0;
/** A config file of its own for each case: the SDK's ini loader keeps what it read per path. */
async function withConfig(text: string): Promise<string> {
  const path = join(dir, `config-${++configs}`);
  await writeFile(path, text);
  return path;
}

const REGIONS = [
  "us-east-1",
  "eu-west-1",
  "ap-southeast-5",
  "cn-north-1",
  "us-gov-west-1",
  "us-iso-east-1",
  "eu-isoe-west-1",
  "aws-global",
  "fips-us-east-1",
  "us-west-2-fips",
];

const SETTINGS: Array<{ name: string; env?: Record<string, string>; config?: string; profile?: string }> = [
  { name: "nothing set" },
  { name: "AWS_USE_FIPS_ENDPOINT", env: { AWS_USE_FIPS_ENDPOINT: "true" } },
  { name: "AWS_USE_DUALSTACK_ENDPOINT", env: { AWS_USE_DUALSTACK_ENDPOINT: "true" } },
  {
    name: "FIPS and dual-stack",
    env: { AWS_USE_FIPS_ENDPOINT: "true", AWS_USE_DUALSTACK_ENDPOINT: "true" },
  },
  { name: "AWS_ENDPOINT_URL", env: { AWS_ENDPOINT_URL: "http://127.0.0.1:4566" } },
  {
    name: "AWS_ENDPOINT_URL_STS over AWS_ENDPOINT_URL",
    env: { AWS_ENDPOINT_URL: "http://127.0.0.1:4566", AWS_ENDPOINT_URL_STS: "https://sts.example.test/base" },
  },
  {
    name: "a custom endpoint with FIPS",
    env: { AWS_ENDPOINT_URL: "http://127.0.0.1:4566", AWS_USE_FIPS_ENDPOINT: "true" },
  },
  {
    name: "ignored configured endpoints",
    env: { AWS_ENDPOINT_URL: "http://127.0.0.1:4566", AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: "true" },
  },
  { name: "the default profile's endpoint_url", config: "[default]\nendpoint_url = http://localhost:4000\n" },
  {
    name: "a services section",
    config: "[default]\nservices = local\n[services local]\nsts =\n  endpoint_url = http://localhost:4001\n",
  },
  {
    name: "the named profile's FIPS and dual-stack",
    config: "[profile ops]\nuse_fips_endpoint = true\nuse_dualstack_endpoint = true\n",
    profile: "ops",
  },
];

describe("where GetCallerIdentity goes and how it is signed: as the SDK's STS client does", () => {
  for (const setting of SETTINGS) {
    it(setting.name, async () => {
      vi.unstubAllEnvs();
      // Every setting of the SDK's out (but its notice about Node's version, silenced for the tests).
      const settings = Object.keys(process.env).filter((key) => /^AWS_(?!SDK_JS_)/.test(key));
      for (const name of settings) vi.stubEnv(name, undefined);
      vi.stubEnv("AWS_CONFIG_FILE", await withConfig(setting.config ?? ""));
      vi.stubEnv("AWS_SHARED_CREDENTIALS_FILE", join(dir, "no-credentials"));
      for (const [name, value] of Object.entries(setting.env ?? {})) vi.stubEnv(name, value);
      for (const region of REGIONS) {
        const ours = await ourTarget(region, setting.profile);
        expect(ours, region).toEqual(await clientTarget(region, setting.profile));
      }
    });
  }
});

/** One local STS that answers every request with `status` and `body`, counting requests; its clock is ours. */
async function answering(status: number, body: string, date = () => new Date().toUTCString()) {
  let requests = 0;
  const server: Server = createServer((req, res) => {
    requests++;
    req.resume();
    res.writeHead(status, { "content-type": "text/xml", date: date() }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests: () => requests,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

const OK = `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <GetCallerIdentityResult>
    <Arn>arn:aws:iam::123456789012:user/alice</Arn><UserId>AIDAEXAMPLE</UserId><Account>123456789012</Account>
  </GetCallerIdentityResult>
  <ResponseMetadata><RequestId>1</RequestId></ResponseMetadata>
</GetCallerIdentityResponse>`;

const error = (code: string, message: string) =>
  `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type>` +
  `<Code>${code}</Code><Message>${message}</Message></Error><RequestId>1</RequestId></ErrorResponse>`;

const ANSWERS: Array<{ name: string; status: number; body: string }> = [
  { name: "an identity", status: 200, body: OK },
  { name: "an identity with no ARN", status: 200, body: "<GetCallerIdentityResponse/>" },
  {
    name: "a key STS does not know",
    status: 403,
    body: error("InvalidClientTokenId", "The security token included in the request is invalid."),
  },
  { name: "an expired token", status: 400, body: error("ExpiredToken", "The security token has expired.") },
  { name: "throttling", status: 400, body: error("Throttling", "Rate exceeded") },
  { name: "a server error that is not XML", status: 500, body: "<html>upstream failed</html>" },
  { name: "service unavailable, no body", status: 503, body: "" },
  { name: "not found, no body", status: 404, body: "" },
];

describe("what STS's answer becomes: what the SDK's STS client makes of it, with its retries", () => {
  for (const answer of ANSWERS) {
    it(answer.name, async () => {
      vi.unstubAllEnvs();
      vi.stubEnv("AWS_CONFIG_FILE", join(dir, "no-config"));
      const server = await answering(answer.status, answer.body);
      vi.stubEnv("AWS_ENDPOINT_URL", server.endpoint);
      try {
        const client = new STSClient({ region: "us-east-1", credentials, maxAttempts: 2 });
        const theirs = await client.send(new GetCallerIdentityCommand({})).then(
          (out) => ({ ok: { Arn: out.Arn, Account: out.Account, UserId: out.UserId } }),
          (e: unknown) => ({ error: toCallError(e) }),
        );
        client.destroy();
        const theirRequests = server.requests();
        let date: string | undefined;
        const ours = await getCallerIdentity({
          credentials,
          target: await stsTarget("us-east-1", undefined),
          attempts: 2,
          timeouts: TIMEOUTS,
          onDate: (seen) => (date = seen),
        }).then(
          (out) => ({ ok: out }),
          (e: unknown) => ({ error: toCallError(e) }),
        );
        expect(ours).toEqual(theirs);
        expect(server.requests() - theirRequests).toBe(theirRequests);
        expect(Math.abs(Date.parse(date ?? "") - Date.now())).toBeLessThan(60_000);
      } finally {
        await server.close();
      }
    });
  }

  it("a rejection signed off AWS's clock is not signed again with AWS's: botocore does not either", async () => {
    const server = await answering(
      403,
      error(
        "SignatureDoesNotMatch",
        "Signature expired: 20261206T070000Z is now earlier than 20261206T080000Z",
      ),
      () => new Date(Date.now() + 3_600_000).toUTCString(),
    );
    vi.stubEnv("AWS_ENDPOINT_URL", server.endpoint);
    try {
      let date: string | undefined;
      const failed = await getCallerIdentity({
        credentials,
        target: await stsTarget("us-east-1", undefined),
        attempts: 2,
        timeouts: TIMEOUTS,
        onDate: (seen) => (date = seen),
      }).catch((e: unknown) => toCallError(e));
      expect(failed).toMatchObject({ name: "SignatureDoesNotMatch", httpStatus: 403 });
      expect(server.requests()).toBe(1);
      // The answer's clock, for the clock-skew check to compare with this node's.
      expect(Date.parse(date ?? "") - Date.now()).toBeGreaterThan(3_000_000);
    } finally {
      await server.close();
    }
  });

  it("an endpoint that never answers: a TimeoutError after the request timeout, asked twice", async () => {
    let requests = 0;
    const server = createServer(() => requests++);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    vi.stubEnv("AWS_ENDPOINT_URL", `http://127.0.0.1:${(server.address() as { port: number }).port}`);
    try {
      const failed = await getCallerIdentity({
        credentials,
        target: await stsTarget("us-east-1", undefined),
        attempts: 2,
        timeouts: { connectionTimeout: 500, requestTimeout: 200 },
      }).catch((e: unknown) => toCallError(e));
      expect(failed).toMatchObject({ name: "TimeoutError" });
      expect(requests).toBe(2);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("nothing listening: the network code, which hpiam reads as unreachable", async () => {
    vi.stubEnv("AWS_ENDPOINT_URL", "http://127.0.0.1:9");
    const failed = await getCallerIdentity({
      credentials,
      target: await stsTarget("us-east-1", undefined),
      attempts: 1,
      timeouts: TIMEOUTS,
    }).catch((e: unknown) => toCallError(e));
    expect(failed).toMatchObject({ networkCode: "ECONNREFUSED" });
  });
});
