import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import type { RunResult } from "../support/cli";
import { useSimulatedNode } from "../support/simulated-node";

// Every command and flag combination, in every state of the story: no fixture secret key or session token may
// appear in what hpiam prints, nor in any file it writes outside the backup of ~/.aws.

const COMMANDS = [
  ["whoami"],
  ["whoami", "--json", "--verbose"],
  ["diagnose"],
  ["diagnose", "--json", "--verbose"],
  ["diagnose", "--iam", "--verbose"],
  ["connect-head", "--print"],
  ["connect-head", "--json", "--verbose"],
  ["recover", "--dry-run", "--verbose"],
  ["recover", "--dry-run", "--json"],
  ["recover"],
  ["policy", "--list"],
  ["whoami", "--region", "nowhere", "--verbose"],
  ["diagnose", "--checks", "nonsense", "--json"],
];

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
}

describe("no secret ever leaves hpiam", () => {
  const node = useSimulatedNode();

  async function sweep(state: string, env: Record<string, string> = {}) {
    const secrets = node.world.secrets;
    const results: Array<[string, RunResult]> = [];
    for (const args of COMMANDS) results.push([args.join(" "), await node.hpiam(args, env)]);
    for (const [what, result] of results) {
      for (const secret of secrets) {
        expect(result.stdout, `${state}: hpiam ${what} (stdout)`).not.toContain(secret);
        expect(result.stderr, `${state}: hpiam ${what} (stderr)`).not.toContain(secret);
      }
    }
  }

  it("on a healthy node", async () => {
    await sweep("healthy");
  });

  it("with keys and a session token in the environment", async () => {
    const { AccessKeyId, SecretAccessKey, SessionToken } = node.world.nodeCredentials;
    await sweep("environment", {
      AWS_ACCESS_KEY_ID: AccessKeyId,
      AWS_SECRET_ACCESS_KEY: SecretAccessKey,
      AWS_SESSION_TOKEN: SessionToken,
    });
  });

  it("after `aws configure`, and in no file hpiam writes outside the backup", async () => {
    await node.runAwsConfigure();
    await sweep("after aws configure");
    const recovered = await node.hpiam(["recover", "--yes", "--no-reboot", "--verbose"]);
    expect(recovered.exitCode).toBe(0);
    for (const secret of node.world.secrets)
      expect(recovered.stdout + recovered.stderr).not.toContain(secret);

    const written = (await filesUnder(node.sandbox.root)).filter(
      (path) => !relative(node.sandbox.home, path).startsWith(".aws.hpiam-backup-"),
    );
    for (const path of written) {
      const text = await readFile(path, "utf8");
      for (const secret of node.world.secrets) expect(text, path).not.toContain(secret);
    }
  });

  it("when a credential process puts a key pair in its command line and its error", async () => {
    const { accessKeyId, secretAccessKey } = node.world.leakedKey;
    const aws = join(node.sandbox.home, ".aws");
    await mkdir(aws, { recursive: true });
    onTestFinished(() => rm(aws, { recursive: true, force: true }));
    await writeFile(
      join(aws, "config"),
      `[default]\ncredential_process = sh -c 'echo "denied for ${accessKeyId} ${secretAccessKey}" >&2; exit 3' ${secretAccessKey}\n`,
    );
    const masked = `${accessKeyId.slice(0, 4)}…${accessKeyId.slice(-4)}`;
    for (const args of [
      ["whoami"],
      ["whoami", "--json"],
      ["whoami", "--verbose"],
      ["diagnose"],
      ["diagnose", "--json"],
    ]) {
      const { stdout, stderr } = await node.hpiam(args);
      const what = `hpiam ${args.join(" ")}`;
      // Still says what the process said, with the key id as hpiam shows one.
      expect(stdout, what).toContain(`denied for ${masked}`);
      expect(stdout + stderr, what).not.toContain(secretAccessKey);
      expect(stdout + stderr, what).not.toContain(accessKeyId);
      if (args.includes("--json")) expect(() => JSON.parse(stdout) as unknown, what).not.toThrow();
    }
  });
});
