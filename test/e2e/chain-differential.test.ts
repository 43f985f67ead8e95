import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { type ChainWorld, CHAIN_USERS, seedChainWorld } from "../support/chain-world";
import { missingPaths, requireDebianPackages } from "../support/processes";
import type { RunResult } from "../support/cli";
import { AWS_CLI_V2, expectNoSecrets, useSimulatedNode } from "../support/simulated-node";
import { type Layout, LAYOUTS } from "./chain-layouts";

/**
 * The truth is what botocore signs with: for every layout, `hpiam whoami` and the real AWS CLI
 * (`aws sts get-caller-identity`, botocore) run in the same sandbox agree on the identity, or both fail, and
 * where botocore stops with an error hpiam quotes it. Debian's AWS CLI v2 is asked too, as a second oracle.
 */
describe("hpiam whoami agrees with the AWS CLI on botocore's credential chain", () => {
  const node = useSimulatedNode();
  let world: ChainWorld;

  beforeAll(async () => {
    await requireDebianPackages(["awscli"], missingPaths(AWS_CLI_V2));
    world = await seedChainWorld(node.env.AWS_ENDPOINT_URL ?? "");
  }, 600_000);

  it.each(LAYOUTS.map((layout) => [layout.name, layout] as const))("%s", async (_name, layout) => {
    const { env, args } = await lay(layout);
    const [cli, hpiam, v2] = await Promise.all([
      node.aws(["sts", "get-caller-identity", "--output", "json", ...args], env),
      node.hpiam(["whoami", "--json", ...args], env),
      node.awsV2(["sts", "get-caller-identity", "--output", "json", ...args], env),
    ]);
    const truth = outcomeOfAwsCli(cli);
    const doc = JSON.parse(hpiam.stdout) as WhoamiDoc;
    if ("arn" in truth) {
      expect(withoutSession(doc.identity?.arn), hpiam.stdout).toBe(withoutSession(truth.arn));
    } else {
      expect(doc.identity, `the AWS CLI failed (${truth.error}), hpiam did not`).toBeNull();
      expect(doc.verdict.status).not.toBe("healthy");
      if (doc.chainError) expect(oneLine(truth.error)).toContain(oneLine(doc.chainError.message));
    }
    // Debian's AWS CLI v2 (botocore's v2 branch) signs as the v1 CLI does wherever it can be asked.
    if (layout.notV2 === undefined) expect(sameOutcome(outcomeOfAwsCli(v2), truth), v2.stderr).toBe(true);
    expectNoSecrets(node, hpiam);
    for (const user of CHAIN_USERS) {
      expect(hpiam.stdout + hpiam.stderr).not.toContain(world.keys[user].secretAccessKey);
    }
  });

  /** A HOME of the layout's own, with its files; the variables and arguments with placeholders filled. */
  async function lay(layout: Layout): Promise<{ env: Record<string, string>; args: string[] }> {
    const home = await mkdtemp(join(node.sandbox.root, "layout-"));
    const script = join(home, "process.js");
    const bob = world.keys.bob;
    await writeFile(
      script,
      `console.log(JSON.stringify({Version:1,AccessKeyId:"${bob.accessKeyId}",SecretAccessKey:"${bob.secretAccessKey}"}))`,
    );
    const fill = (text: string) =>
      text
        .replace(/\{(bob|carol|dave)\}/gu, (_, user: keyof ChainWorld["keys"]) => iniKeys(world.keys[user]))
        .replace(
          /\{(bob|carol|dave)\.id\}/gu,
          (_, user: keyof ChainWorld["keys"]) => world.keys[user].accessKeyId,
        )
        .replace(
          /\{(bob|carol|dave)\.secret\}/gu,
          (_, user: keyof ChainWorld["keys"]) => world.keys[user].secretAccessKey,
        )
        .replaceAll("{HOME}", home)
        .replaceAll("{DEV_ROLE}", world.devRoleArn)
        .replaceAll("{WEB_ROLE}", world.webRoleArn)
        .replaceAll("{NODE}", process.execPath)
        .replaceAll("{SCRIPT}", script)
        .replaceAll("{SYSTEM_PATH}", process.env.PATH ?? "");
    for (const [path, text] of Object.entries(layout.files ?? {})) {
      const full = join(home, path);
      await mkdir(dirname(full), { recursive: true });
      // {BYTE_FF} is written as that one byte: a file that is not UTF-8.
      await writeFile(full, Buffer.from(fill(text).replaceAll("{BYTE_FF}", "\u00ff"), "latin1"));
    }
    const env = Object.fromEntries(
      Object.entries(layout.env ?? {}).map(([key, value]) => [key, fill(value)]),
    );
    return { env: { HOME: home, ...env }, args: (layout.args ?? []).map(fill) };
  }
});

interface WhoamiDoc {
  identity: { arn: string } | null;
  verdict: { status: string };
  chainError: { message: string } | null;
}

const iniKeys = (key: { accessKeyId: string; secretAccessKey: string }) =>
  `aws_access_key_id = ${key.accessKeyId}\naws_secret_access_key = ${key.secretAccessKey}\n`;

function outcomeOfAwsCli(result: RunResult): { arn: string } | { error: string } {
  if (result.exitCode !== 0) return { error: result.stderr };
  return { arn: (JSON.parse(result.stdout) as { Arn: string }).Arn };
}

/** An assumed role's session name is generated (botocore-session-<time>): compare the role, not the session. */
function withoutSession(arn: string | undefined): string | undefined {
  return arn?.replace(/^(arn:[^:]+:sts::\d+:assumed-role\/[^/]+)\/.*$/u, "$1");
}

const oneLine = (text: string) => text.replace(/\s+/gu, " ").trim();

function sameOutcome(
  a: { arn: string } | { error: string },
  b: { arn: string } | { error: string },
): boolean {
  if ("arn" in a && "arn" in b) return withoutSession(a.arn) === withoutSession(b.arn);
  return "error" in a && "error" in b;
}
