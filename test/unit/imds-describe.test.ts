// The instance's description (whoami's instance, its address and Region) comes from its identity document, one
// request, where IMDS serves it; an IMDS proxy may serve meta-data/ alone, and the description must not change.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { openImdsSession } from "../../src/system/imds-session";
import { createImdsPort } from "../../src/system/imds";

const ROLE = "hyperpod-execution-role";
const META: Record<string, string> = {
  "/latest/meta-data/iam/security-credentials/": ROLE,
  "/latest/meta-data/iam/info": JSON.stringify({
    Code: "Success",
    InstanceProfileArn: `arn:aws:iam::123456789012:instance-profile/${ROLE}`,
  }),
  "/latest/meta-data/instance-id": "i-0123456789abcdef0",
  "/latest/meta-data/local-ipv4": "10.1.2.3",
  "/latest/meta-data/placement/region": "eu-north-1",
};
const DOCUMENT = JSON.stringify({
  accountId: "123456789012",
  availabilityZone: "eu-north-1a",
  instanceId: "i-0123456789abcdef0",
  instanceType: "ml.p5.48xlarge",
  privateIp: "10.1.2.3",
  region: "eu-north-1",
  version: "2017-09-30",
});

let close: (() => Promise<unknown>) | undefined;
afterEach(() => close?.());

/** A local IMDSv2 answering meta-data/ and, as `document` says, the identity document; it logs what it was asked. */
async function imds(document: string | undefined) {
  const asked: string[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    req.resume();
    asked.push(req.url ?? "");
    const body =
      req.method === "PUT"
        ? "token-1"
        : req.url === "/latest/dynamic/instance-identity/document"
          ? document
          : META[req.url ?? ""];
    if (body === undefined) res.writeHead(404).end();
    else res.writeHead(200).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  close = () => new Promise((resolve) => server.close(resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return { asked, describe: () => createImdsPort({}, openImdsSession(endpoint)).describe() };
}

const EXPECTED = {
  reachable: true,
  roleName: ROLE,
  instanceProfileArn: `arn:aws:iam::123456789012:instance-profile/${ROLE}`,
  instanceId: "i-0123456789abcdef0",
  localIpv4: "10.1.2.3",
  region: "eu-north-1",
};

describe("the instance's description", () => {
  it("is read from the identity document where IMDS serves it: one request for the instance", async () => {
    const node = await imds(DOCUMENT);
    expect(await node.describe()).toEqual(EXPECTED);
    expect(node.asked.filter((url) => /meta-data\/(instance-id|local-ipv4|placement)/.test(url))).toEqual([]);
  });

  it.each([
    ["not served (an IMDS proxy)", undefined],
    ["not JSON", "<html>proxy error</html>"],
    ["without an instance id", JSON.stringify({ region: "eu-north-1" })],
  ])("is the same from meta-data/ where the identity document is %s", async (_, document) => {
    const node = await imds(document);
    expect(await node.describe()).toEqual(EXPECTED);
    expect(node.asked).toEqual(
      expect.arrayContaining([
        "/latest/meta-data/instance-id",
        "/latest/meta-data/local-ipv4",
        "/latest/meta-data/placement/region",
      ]),
    );
  });
});
