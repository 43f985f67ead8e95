// Trains the V8 code cache that bin/hpiam.js starts the bundle with.
//
// A code cache made after a run holds the bytecode of every function that run compiled, so a later start skips
// parsing and compiling them (whoami starts in about two thirds of the time). It is made at build time, by
// running the built CLI on a made-up healthy node (a local IMDS and STS that answer with fixed, fake values),
// with a PATH that holds only a made-up getent (root, at the sandbox's home) so that no system command of the
// build machine runs while every-home code still does, and an empty /etc (HPIAM_ETC_DIR) so that no startup
// file of the build machine's loads the bash parser: it sets a V8 flag, and V8 rejects a cache made with other
// flags. Each run of a set starts from the cache the previous one wrote, so the cache ends up holding what all
// of them used.
// Only the same Node version and V8 flags accept it; any other Node rejects it and compiles from source as if it
// were not there.
import { execFile } from "node:child_process";
import { copyFile, mkdir, mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

const ROLE = "hpiam-training-role";
const ARN = `arn:aws:sts::123456789012:assumed-role/${ROLE}/SageMaker`;
const STS_ANSWER = `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <GetCallerIdentityResult><Arn>${ARN}</Arn><UserId>AROATRAINING:SageMaker</UserId><Account>123456789012</Account></GetCallerIdentityResult>
  <ResponseMetadata><RequestId>00000000-0000-0000-0000-000000000000</RequestId></ResponseMetadata>
</GetCallerIdentityResponse>`;

function metadata(path) {
  const now = new Date();
  return {
    "/latest/api/token": "training-token",
    "/latest/meta-data/iam/security-credentials/": ROLE,
    [`/latest/meta-data/iam/security-credentials/${ROLE}`]: JSON.stringify({
      Code: "Success",
      LastUpdated: now.toISOString(),
      Type: "AWS-HMAC",
      AccessKeyId: "ASIATRAININGKEY00000",
      SecretAccessKey: "training-only-not-a-secret",
      Token: "training-only-not-a-token",
      Expiration: new Date(now.getTime() + 3600_000).toISOString(),
    }),
    "/latest/meta-data/iam/info": JSON.stringify({
      Code: "Success",
      InstanceProfileArn: `arn:aws:iam::123456789012:instance-profile/${ROLE}`,
    }),
    "/latest/meta-data/instance-id": "i-0000000000training",
    "/latest/meta-data/local-ipv4": "127.0.0.1",
    "/latest/meta-data/placement/region": "us-west-2",
    "/latest/dynamic/instance-identity/document": JSON.stringify({
      instanceId: "i-0000000000training",
      privateIp: "127.0.0.1",
      region: "us-west-2",
    }),
  }[path];
}

/** Answers as IMDSv2 on GET/PUT /latest/… and as STS GetCallerIdentity on POST. */
function startFakeAws() {
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      if (req.method === "POST") {
        res.writeHead(200, { "content-type": "text/xml" }).end(STS_ANSWER);
        return;
      }
      const body = metadata((req.url ?? "").replace(/\/{2,}/g, "/"));
      if (body === undefined) res.writeHead(404).end();
      else res.writeHead(200, { "content-type": "text/plain" }).end(body);
    });
  });
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => resolve(server));
  });
}

/**
 * One cache per command (bin/hpiam.js picks it by the first argument), so that `--help` and `--version` do
 * not deserialize the SDK's code: a cache costs start-up time in proportion to its size. Each set lists the
 * runs whose compiled code its cache keeps. Only commands that read and report: never one that changes anything.
 * A command with a set has a bundle of its own too (scripts/build.mjs), which these runs start.
 */
export const TRAINING = {
  // The whole CLI's bundle: --help, --version, and the commands without a bundle of their own.
  start: [["--help"], ["--version"], ["recover", "--help"]],
  // Static keys too (the incident): the chain that reads them, and the SDK's chain asked for its opinion.
  whoami: [["whoami"], ["whoami", "--json"], withKeys(["whoami"])],
  diagnose: [["diagnose"], ["diagnose", "--json"], withKeys(["diagnose"]), ["diagnose", "--all-users"]],
  metrics: [["metrics"]],
};

const GETENT = `#!/bin/sh
printf 'root:x:0:0:root:%s:/bin/bash\\n' "$HOME"
`;

/** A run on a node whose ~/.aws/credentials holds an IAM user's static keys (made-up ones). */
function withKeys(args) {
  return { args, keys: true };
}

const KEYS = `[default]
aws_access_key_id = AKIATRAININGKEY00000
aws_secret_access_key = training-only-not-a-secret
`;

/**
 * Runs `node loader …` for each training command with HPIAM_CODE_CACHE_TRAIN set, so that the loader (which
 * reads the bundle) writes `dir/<set>.codecache` at exit. Returns the names of the caches it made; a command
 * that does not exist yet (`diagnose --help` fails) gets none.
 */
export async function trainCodeCache({ node = process.execPath, loader, dir }) {
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const sandbox = await mkdtemp(join(tmpdir(), "hpiam-train-"));
  const server = await startFakeAws();
  const endpoint = `http://127.0.0.1:${server.address().port}`;
  const env = {
    HOME: sandbox,
    PATH: join(sandbox, "no-commands"),
    LANG: "C.UTF-8",
    NO_COLOR: "1",
    AWS_REGION: "us-west-2",
    AWS_ENDPOINT_URL: endpoint,
    AWS_EC2_METADATA_SERVICE_ENDPOINT: endpoint,
    HPIAM_RESOURCE_CONFIG: join(sandbox, "resource_config.json"),
    HPIAM_ETC_DIR: join(sandbox, "etc"),
  };
  // Exit codes other than 0 are fine for training (a check that finds no SSM agent here, say).
  const hpiam = (args, extraEnv = {}) =>
    run(node, [loader, ...args], { env: { ...env, ...extraEnv }, timeout: 30_000 }).then(
      ({ stdout }) => stdout,
      (error) => String(error.stdout ?? ""),
    );
  // Whether V8 takes the cache: a run started from a copy of it (the loader reads a training file first), so
  // that a cache trained for another Node than the build's (the single executable's) is checked too.
  const accepted = async (cache, args) => {
    const copy = `${cache}.check`;
    await copyFile(cache, copy);
    const { stderr } = await run(node, [loader, ...args], {
      env: { ...env, HPIAM_DEBUG_CODE_CACHE: "1", HPIAM_CODE_CACHE_TRAIN: copy },
      timeout: 30_000,
    }).catch((error) => error);
    await rm(copy, { force: true });
    return String(stderr ?? "").includes("code cache used");
  };
  // The user database every-home code reads (`getent passwd`), and nothing else to run.
  const commands = join(sandbox, "no-commands");
  await mkdir(commands);
  await writeFile(join(commands, "getent"), GETENT, { mode: 0o755 });
  const keysFile = join(sandbox, "static-keys");
  await writeFile(keysFile, KEYS);
  const made = [];
  try {
    for (const [name, runs] of Object.entries(TRAINING)) {
      if (name !== "start" && !(await hpiam([name, "--help"])).startsWith(`Usage: hpiam ${name}`)) continue;
      const out = join(dir, `${name}.codecache`);
      for (const run of runs) {
        const { args, keys } = Array.isArray(run) ? { args: run } : run;
        const home = keys ? { AWS_SHARED_CREDENTIALS_FILE: keysFile } : {};
        await hpiam(args, { HPIAM_CODE_CACHE_TRAIN: out, ...home });
      }
      if (((await stat(out).catch(() => undefined))?.size ?? 0) === 0) continue;
      // A cache V8 rejects costs its reading for nothing: dropped.
      if (await accepted(out, runs[0])) made.push(name);
      else await rm(out);
    }
    return made;
  } finally {
    server.close();
    await rm(sandbox, { recursive: true, force: true });
  }
}
