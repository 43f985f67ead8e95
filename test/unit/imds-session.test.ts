// hpiam fetches the instance role's keys through one IMDS session a run (its token and role name shared with
// the instance's description) instead of the SDK's provider: these hold it to that provider, side by side on one
// local IMDS, on what it asks and what it makes of the answers.
import { fromInstanceMetadata } from "@smithy/credential-provider-imds";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { afterEach, describe, expect, it, vi } from "vitest";
import { instanceRoleKeys, openImdsSession } from "../../src/system/imds-session";

const ROLE = "hyperpod-execution-role";
const KEYS = {
  Code: "Success",
  AccessKeyId: "ASIAIMDSEXAMPLE00001",
  SecretAccessKey: "not-a-secret",
  Token: "not-a-token",
  Expiration: "2026-12-06T14:00:00Z",
};

type Handler = (req: IncomingMessage, res: ServerResponse, seen: number) => void;

/** A local IMDS that answers by `handler` (given how often this path was asked), logging what it was asked. */
async function imds(handler: Handler) {
  const asked: string[] = [];
  const counts = new Map<string, number>();
  const server = createServer((req, res) => {
    req.resume();
    const key = `${req.method} ${req.url}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
    asked.push(`${key}${req.headers["x-aws-ec2-metadata-token"] ? " (token)" : ""}`);
    handler(req, res, counts.get(key) ?? 1);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  vi.stubEnv(
    "AWS_EC2_METADATA_SERVICE_ENDPOINT",
    `http://127.0.0.1:${(server.address() as { port: number }).port}`,
  );
  return {
    asked,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

const normal: Handler = (req, res) => {
  const body =
    req.method === "PUT"
      ? "token-1"
      : ({ "/latest/meta-data/iam/security-credentials/": ROLE }[req.url ?? ""] ??
        (req.url === `/latest/meta-data/iam/security-credentials/${ROLE}`
          ? JSON.stringify(KEYS)
          : undefined));
  if (body === undefined) res.writeHead(404).end();
  else res.writeHead(200).end(body);
};

const CASES: Array<{ name: string; handler: Handler }> = [
  { name: "IMDSv2", handler: normal },
  {
    name: "no token service (403): IMDSv1",
    handler: (req, res, seen) => (req.method === "PUT" ? res.writeHead(403).end() : normal(req, res, seen)),
  },
  {
    name: "a token request refused as bad (400)",
    handler: (req, res, seen) => (req.method === "PUT" ? res.writeHead(400).end() : normal(req, res, seen)),
  },
  {
    name: "a token service that fails (500)",
    handler: (req, res, seen) => (req.method === "PUT" ? res.writeHead(500).end() : normal(req, res, seen)),
  },
  {
    name: "the role's name fails once",
    handler: (req, res, seen) =>
      req.url === "/latest/meta-data/iam/security-credentials/" && seen === 1
        ? res.writeHead(500).end()
        : normal(req, res, seen),
  },
  {
    name: "keys without a session token",
    handler: (req, res, seen) =>
      req.url?.endsWith(ROLE)
        ? res.writeHead(200).end(JSON.stringify({ ...KEYS, Token: undefined }))
        : normal(req, res, seen),
  },
  {
    name: "keys that are not JSON, every time",
    handler: (req, res, seen) =>
      req.url?.endsWith(ROLE) ? res.writeHead(200).end("<html>") : normal(req, res, seen),
  },
  {
    name: "no instance role",
    handler: (req, res, seen) =>
      req.url?.includes("security-credentials") ? res.writeHead(404).end() : normal(req, res, seen),
  },
];

const outcome = (work: Promise<{ accessKeyId: string; sessionToken?: string; expiration?: Date }>) =>
  work.then(
    (keys) => ({ keys: { id: keys.accessKeyId, token: keys.sessionToken, expiration: keys.expiration } }),
    (error: Error) => ({ error: error.message }),
  );

afterEach(() => vi.unstubAllEnvs());

describe("the instance role's keys: as the SDK's instance-metadata provider fetches them", () => {
  for (const { name, handler } of CASES) {
    it(name, async () => {
      const sdk = await imds(handler);
      const theirs = await outcome(fromInstanceMetadata({ timeout: 1000, maxRetries: 1 })());
      await sdk.close();
      const ours = await imds(handler);
      const mine = await outcome(instanceRoleKeys(openImdsSession()));
      await ours.close();
      expect(mine).toEqual(theirs);
      expect(ours.asked).toEqual(sdk.asked);
    });
  }
});

describe("one session a run", () => {
  it("asks for the token and the role's name once, whoever asks first", async () => {
    const server = await imds(normal);
    const session = openImdsSession();
    const token = await session.token();
    const [keys, role] = await Promise.all([instanceRoleKeys(session), session.roleList(token)]);
    await server.close();
    expect(keys.accessKeyId).toBe(KEYS.AccessKeyId);
    expect(role).toBe(ROLE);
    expect(server.asked).toEqual([
      "PUT /latest/api/token",
      "GET /latest/meta-data/iam/security-credentials/ (token)",
      `GET /latest/meta-data/iam/security-credentials/${ROLE} (token)`,
    ]);
  });
});
