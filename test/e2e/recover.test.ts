import { execa } from "execa";
import { existsSync } from "node:fs";
import {
  cp,
  lstat,
  mkdir,
  readdir,
  readFile,
  readlink,
  rm,
  stat,
  symlink,
  writeFile,
} from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { RecoverResult } from "../../src/recover/types";
import { EXECUTION_ROLE, LEAKED_USER } from "../support/aws-world";
import { seedChainWorld } from "../support/chain-world";
import { expectNoSecrets, type SimulatedNode, useSimulatedNode } from "../support/simulated-node";

const REBOOT = process.getuid?.() === 0 ? ["systemctl", "reboot"] : ["sudo", "-n", "systemctl", "reboot"];

/** The files `aws configure` wrote, as bytes, or the backup's. */
async function awsFiles(dir: string): Promise<Record<string, Buffer>> {
  const names = (await readdir(dir)).sort();
  return Object.fromEntries(
    await Promise.all(names.map(async (n) => [n, await readFile(join(dir, n))] as const)),
  );
}

async function backups(node: SimulatedNode): Promise<string[]> {
  const names = await readdir(node.sandbox.home);
  return names
    .filter((name) => name.startsWith(".aws.hpiam-backup-"))
    .map((name) => join(node.sandbox.home, name));
}

async function rebootCalls(node: SimulatedNode): Promise<number> {
  const calls = await node.sandbox.calls();
  return calls.filter((call) => [call.command, ...call.args].join(" ") === REBOOT.join(" ")).length;
}

async function clearBackups(node: SimulatedNode): Promise<void> {
  for (const path of await backups(node)) await rm(path, { recursive: true, force: true });
}

describe("hpiam recover on a simulated HyperPod node, after the real `aws configure`", () => {
  const node = useSimulatedNode();
  const aws = () => join(node.sandbox.home, ".aws");
  let original: Record<string, Buffer>;

  it("--dry-run shows the plan and changes nothing", async () => {
    await node.runAwsConfigure();
    original = await awsFiles(aws());
    const result = await node.hpiam(["recover", "--dry-run"]);
    expect(result.exitCode).toBe(0);
    expect(result.stdout.split("\n")[0]).toMatch(
      /^• planned {2}would move ~\/\.aws aside, verify the identity, reboot/,
    );
    expect(result.stdout).toContain(`→ ${join(node.sandbox.home, ".aws.hpiam-backup-")}`);
    expect(await awsFiles(aws())).toEqual(original);
    expect(await backups(node)).toEqual([]);
    expect(await rebootCalls(node)).toBe(0);
    expectNoSecrets(node, result);
  });

  it("refuses a plain recover without a terminal (exit 2) and changes nothing", async () => {
    const result = await node.hpiam(["recover"]);
    expect(result.exitCode).toBe(2);
    expect(result.stdout.split("\n")[0]).toMatch(/^✖ refused {2}no terminal to ask at: .*--yes/);
    expect(await awsFiles(aws())).toEqual(original);
    expect(await readdir(node.sandbox.home)).toEqual([".aws"]);
  });

  it("--yes --no-reboot moves ~/.aws to an owner-only backup, byte for byte, and the role is back", async () => {
    const result = await node.hpiam(["recover", "--yes", "--no-reboot", "--json"]);
    expect(result.exitCode).toBe(0);
    const doc = JSON.parse(result.stdout) as { steps: Array<{ id: string; status: string }> };
    const [backup = ""] = await backups(node);
    expect(doc).toMatchObject({
      schemaVersion: 1,
      result: "recovered",
      backups: [backup],
      verification: { status: "healthy" },
      identityBefore: { type: "iam-user", name: LEAKED_USER },
    });
    expect(doc.steps.map((step) => `${step.id}:${step.status}`)).toEqual([
      "move-aws-dir:done",
      "verify:done",
      "reboot:skipped",
    ]);
    expect(existsSync(aws())).toBe(false);
    expect((await stat(backup)).mode & 0o777).toBe(0o700);
    expect(await awsFiles(backup)).toEqual(original);
    expect(await rebootCalls(node)).toBe(0);

    const sts = await node.aws(["sts", "get-caller-identity"]);
    expect(sts.stdout).toContain(`assumed-role/${EXECUTION_ROLE}/SageMaker`);
    const whoami = await node.hpiam(["whoami"]);
    expect(whoami.exitCode).toBe(0);
    expect(whoami.stdout).toMatch(/^✔ healthy/);
    expectNoSecrets(node, result, whoami);
    expect(result.stdout).not.toContain(node.world.leakedKey.accessKeyId);
  });

  it("a second run has nothing to do", async () => {
    const result = await node.hpiam(["recover", "--yes", "--no-reboot"]);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(
      /^✔ nothing-to-do {2}no credentials in ~\/\.aws override the instance profile/,
    );
  });

  it("--undo puts the backup back, byte for byte", async () => {
    const result = await node.hpiam(["recover", "--undo"]);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/^! restored {2}put .*\.aws\.hpiam-backup-\S+ back/);
    expect(await awsFiles(aws())).toEqual(original);
    expect(await backups(node)).toEqual([]);
    expect((await node.aws(["sts", "get-caller-identity"])).stdout).toContain(`user/${LEAKED_USER}`);
  });

  it("--yes reboots through the executor after verifying", async () => {
    const result = await node.hpiam(["recover", "--yes"]);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/the node is rebooting/);
    expect(await rebootCalls(node)).toBe(1);
    await clearBackups(node);
  });

  it("refuses to reboot while Slurm runs jobs here, offers scontrol, and reboots with --force", async () => {
    await node.runAwsConfigure();
    const refused = await node.hpiam(["recover", "--yes"], { STUB_SQUEUE_OUTPUT: "4242\n" });
    expect(refused.exitCode).toBe(2);
    expect(refused.stdout).toMatch(/1 Slurm job\(s\) running on \S+: a reboot now would kill them/);
    expect(refused.stdout).toMatch(/sudo scontrol reboot ASAP nextstate=resume \S+/);
    expect(existsSync(aws())).toBe(true);
    const calls = await node.sandbox.calls();
    expect(calls.at(-1)).toMatchObject({
      command: "squeue",
      args: expect.arrayContaining(["-w", "-t", "RUNNING"]),
    });

    const forced = await node.hpiam(["recover", "--yes", "--force"], { STUB_SQUEUE_OUTPUT: "4242\n" });
    expect(forced.exitCode).toBe(0);
    expect(await rebootCalls(node)).toBe(2);
  });

  it("prints a follow-up command that really deactivates the leaked key (IAM admin, moto)", async () => {
    const doc = JSON.parse((await node.hpiam(["recover", "--json", "--dry-run"])).stdout);
    expect(doc.result).toBe("nothing-to-do");
    await rm(aws(), { recursive: true, force: true });
    await node.runAwsConfigure();
    const planned = JSON.parse((await node.hpiam(["recover", "--json", "--dry-run"])).stdout);
    const [key] = planned.leakedKeys;
    expect(key).toMatchObject({ iamUser: LEAKED_USER, accessKeyId: expect.stringMatching(/^AKIA…\w{4}$/) });
    const admin = { ...node.env, AWS_ACCESS_KEY_ID: "admin", AWS_SECRET_ACCESS_KEY: "admin" };
    const ran = await execa("sh", ["-c", key.command], { env: admin, extendEnv: false, reject: false });
    expect(ran.exitCode, ran.stderr).toBe(0);
    const listed = await execa("aws", ["iam", "list-access-keys", "--user-name", LEAKED_USER], {
      env: admin,
      extendEnv: false,
    });
    expect(JSON.parse(listed.stdout).AccessKeyMetadata).toEqual([
      expect.objectContaining({ AccessKeyId: node.world.leakedKey.accessKeyId, Status: "Inactive" }),
    ]);
  });
});

describe("hpiam recover and a ~/.aws symlinked out of HOME", () => {
  const node = useSimulatedNode();

  it("moves the link, never what it points to, and refuses a --user that is not a user name", async () => {
    const outside = join(node.sandbox.root, "fsx", "ubuntu-aws");
    await mkdir(outside, { recursive: true, mode: 0o755 });
    await symlink(outside, join(node.sandbox.home, ".aws"));
    await node.runAwsConfigure();
    const target = await awsFiles(outside);
    expect(Object.keys(target)).toContain("credentials");

    const result = await node.hpiam(["recover", "--yes", "--no-reboot"]);
    expect(result.exitCode).toBe(0);
    const [backup = ""] = await backups(node);
    expect((await lstat(backup)).isSymbolicLink()).toBe(true);
    expect(await readlink(backup)).toBe(outside);
    expect(await awsFiles(outside)).toEqual(target);
    expect((await stat(outside)).mode & 0o777).toBe(0o755);
    expect((await node.hpiam(["whoami"])).exitCode).toBe(0);

    await rm(backup);
    await symlink(outside, join(node.sandbox.home, ".aws"));
    const deleted = await node.hpiam(["recover", "--yes", "--delete", "--no-reboot"]);
    expect(deleted.exitCode).toBe(0);
    expect(existsSync(join(node.sandbox.home, ".aws"))).toBe(false);
    expect(await awsFiles(outside)).toEqual(target);

    const bad = await node.hpiam(["recover", "--user", "../../etc"]);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toMatch(/--user: "\.\.\/\.\.\/etc" is not a user name/);
    expect(bad.stdout).toBe("");
  });
});

describe("hpiam recover --all-users, as root, after `aws configure` in several homes", () => {
  const node = useSimulatedNode();
  /**
   * The sandbox's user database: root, ubuntu and alice have homes; nobody's is /nonexistent. ubuntu's
   * files are root's, as the test (root) ran `aws configure` there; alice's are given to her.
   */
  const homes = () => [
    { user: "root", home: node.sandbox.rootHome, uid: 0 },
    { user: "ubuntu", home: node.sandbox.home, uid: 0 },
    { user: "alice", home: node.sandbox.aliceHome, uid: 1001 },
  ];
  const homeBackups = async (home: string) =>
    (await readdir(home)).filter((name) => name.startsWith(".aws.hpiam-backup-")).map((n) => join(home, n));

  it("moves every affected home's ~/.aws aside, each backup kept by its owner, then verifies once", async () => {
    await node.runAwsConfigure();
    const original = await awsFiles(join(node.sandbox.home, ".aws"));
    for (const { home, uid } of homes().filter(({ user }) => user !== "ubuntu")) {
      await cp(join(node.sandbox.home, ".aws"), join(home, ".aws"), { recursive: true });
      await execa("chown", ["-R", `${uid}:${uid}`, join(home, ".aws")]);
    }

    const result = await node.hpiam(["recover", "--all-users", "--yes", "--no-reboot", "--json"]);
    expect(result.exitCode, result.stdout).toBe(0);
    const doc = JSON.parse(result.stdout) as RecoverResult;
    expect(doc).toMatchObject({ result: "recovered", verification: { status: "healthy" } });
    expect(doc.users.map((user) => user.user)).toEqual(["root", "ubuntu", "alice"]);
    expect(doc.steps.map((step) => `${step.id}:${step.user ?? ""}`)).toEqual([
      "move-aws-dir:root",
      "move-aws-dir:ubuntu",
      "move-aws-dir:alice",
      "verify:",
      "reboot:",
    ]);
    // One key in three homes: listed once, with every home that held it, and its IAM user named.
    expect(doc.leakedKeys).toEqual([
      expect.objectContaining({
        user: "root",
        iamUser: LEAKED_USER,
        alsoIn: [
          { user: "ubuntu", file: join(node.sandbox.home, ".aws", "credentials") },
          { user: "alice", file: join(node.sandbox.aliceHome, ".aws", "credentials") },
        ],
      }),
    ]);
    for (const { home, uid } of homes()) {
      const [backup = ""] = await homeBackups(home);
      expect(doc.backups).toContain(backup);
      expect(existsSync(join(home, ".aws"))).toBe(false);
      expect(await awsFiles(backup)).toEqual(original);
      const info = await stat(backup);
      expect([info.mode & 0o777, info.uid]).toEqual([0o700, uid]);
    }
    expectNoSecrets(node, result);

    const again = await node.hpiam(["recover", "--all-users", "--yes", "--no-reboot", "--json"]);
    expect(JSON.parse(again.stdout).result).toBe("nothing-to-do");
  });

  it("names another user's leaked key by its IAM user, asking STS with that key, and lists a linked key once", async () => {
    const world = await seedChainWorld(node.env.AWS_ENDPOINT_URL ?? "");
    const carol = world.keys.carol;
    await mkdir(join(node.sandbox.aliceHome, ".aws"), { recursive: true });
    const credentials = `[default]\naws_access_key_id = ${carol.accessKeyId}\naws_secret_access_key = ${carol.secretAccessKey}\n`;
    await writeFile(join(node.sandbox.aliceHome, ".aws", "credentials"), credentials);
    await symlink(join(node.sandbox.aliceHome, ".aws"), join(node.sandbox.rootHome, ".aws"));

    const result = await node.hpiam(["recover", "--all-users", "--dry-run", "--json"]);
    const doc = JSON.parse(result.stdout) as RecoverResult;
    expect(doc.leakedKeys).toEqual([
      expect.objectContaining({
        user: "root",
        iamUser: "carol",
        command: expect.stringContaining("--user-name carol"),
        alsoIn: [{ user: "alice", file: join(node.sandbox.aliceHome, ".aws", "credentials") }],
      }),
    ]);
    expect(result.stdout + result.stderr).not.toContain(carol.secretAccessKey);
    expect(result.stdout).not.toContain(carol.accessKeyId);
    await rm(join(node.sandbox.rootHome, ".aws"));
    await rm(join(node.sandbox.aliceHome, ".aws"), { recursive: true });
  });

  it("--undo --all-users puts each home's latest backup back", async () => {
    const result = await node.hpiam(["recover", "--all-users", "--undo", "--json"]);
    expect(result.exitCode, result.stdout).toBe(0);
    for (const { home } of homes()) {
      expect(await homeBackups(home)).toEqual([]);
      expect(await readFile(join(home, ".aws", "credentials"), "utf8")).toContain("aws_access_key_id");
    }
  });
});
