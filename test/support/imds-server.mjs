// A small IMDSv2 stand-in, run in its own process (a test's synchronous child process must not freeze it).
// Configured by the IMDS_CONFIG environment variable (JSON); prints {"port":N} once it listens.
import { createServer } from "node:http";

const config = JSON.parse(process.env.IMDS_CONFIG ?? "{}");
const mode = config.mode ?? "normal";
const token = "fake-imds-token";

function metadata(path) {
  const creds = config.credentials;
  const role = config.roleName;
  const table = {
    "meta-data/instance-id": config.instanceId,
    "meta-data/local-ipv4": config.localIpv4,
    "meta-data/placement/region": config.region,
    "meta-data/placement/availability-zone": config.region && `${config.region}a`,
    "meta-data/iam/security-credentials/": role,
    "meta-data/iam/info":
      role &&
      JSON.stringify({
        Code: "Success",
        LastUpdated: new Date().toISOString(),
        InstanceProfileArn: config.instanceProfileArn,
        InstanceProfileId: "AIPAFAKEINSTANCEPROFILE",
      }),
    // As EC2 serves it, with the fields hpiam reads among others; an IMDS proxy may not serve it at all.
    "dynamic/instance-identity/document":
      config.identityDocument !== false && config.instanceId
        ? JSON.stringify({
            accountId: "123456789012",
            architecture: "x86_64",
            availabilityZone: config.region && `${config.region}a`,
            imageId: "ami-0123456789abcdef0",
            instanceId: config.instanceId,
            instanceType: "ml.p5.48xlarge",
            pendingTime: "2026-01-01T00:00:00Z",
            privateIp: config.localIpv4,
            region: config.region,
            version: "2017-09-30",
          })
        : undefined,
  };
  if (role && creds && path === `meta-data/iam/security-credentials/${role}`) {
    return JSON.stringify({
      Code: "Success",
      LastUpdated: new Date().toISOString(),
      Type: "AWS-HMAC",
      AccessKeyId: creds.AccessKeyId,
      SecretAccessKey: creds.SecretAccessKey,
      Token: creds.SessionToken,
      Expiration: creds.Expiration ?? new Date(Date.now() + 6 * 3600_000).toISOString(),
    });
  }
  return table[path];
}

const server = createServer((req, res) => {
  if (mode === "hang") return; // accept, never answer
  if (mode === "error500") {
    res.writeHead(500).end("internal error");
    return;
  }
  const path = (req.url ?? "").replace(/\/{2,}/g, "/").replace(/^\/latest\//, "");
  if (req.method === "PUT" && path === "api/token") {
    res.writeHead(200, { "content-type": "text/plain" }).end(token);
    return;
  }
  if (req.headers["x-aws-ec2-metadata-token"] !== token) {
    res.writeHead(401).end();
    return;
  }
  const body = mode === "garbage" ? "\u0000{not json" : metadata(path);
  if (body === undefined) {
    res.writeHead(404).end();
    return;
  }
  const answer = () => res.writeHead(200, { "content-type": "text/plain" }).end(body);
  if (config.credentialsDelayMs && path === `meta-data/iam/security-credentials/${config.roleName}`) {
    setTimeout(answer, config.credentialsDelayMs);
  } else answer();
});

server.listen(0, "127.0.0.1", () => {
  process.stdout.write(`${JSON.stringify({ port: server.address().port })}\n`);
});
process.on("SIGTERM", () => server.close(() => process.exit(0)));
