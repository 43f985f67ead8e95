import { answering, environmentLink, linkWins } from "../support/chain-links";
import { existsSync } from "node:fs";
import { lstat, mkdir, readdir, readFile, readlink, rm, stat, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { renderRecover } from "../../src/recover/render-recover";
import { plainStyle } from "../../src/output/style";
import { recover, recoverExitCode } from "../../src/recover/recover";
import type { RecoverOptions } from "../../src/recover/types";
import type { Context } from "../../src/context";
import {
  asLeakedUser,
  backupsIn as backupsInHome,
  CONFIG,
  configuredHome,
  CREDENTIALS,
  LEAKED_KEY_ID,
  LEAKED_SECRET,
  onRealHome,
} from "../support/real-home";
import { lockIn } from "../support/recover-lock";

const KEY_ID = LEAKED_KEY_ID;
const SECRET = LEAKED_SECRET;

let root: string;
let home: string;
beforeEach(async () => ({ root, home } = await configuredHome()));
afterEach(() => rm(root, { recursive: true, force: true }));

const node = (options: Parameters<typeof onRealHome>[1] = {}) => onRealHome(home, options);
const run = (ctx: Context, options: RecoverOptions = {}) => recover(options, ctx);
const backupsIn = (dir = home) => backupsInHome(dir);

describe("hpiam recover", () => {
  it("--dry-run plans and changes nothing", async () => {
    const ctx = node();
    const result = await run(ctx, { dryRun: true });
    expect(result).toMatchObject({ result: "planned", dryRun: true });
    expect(result.steps.map((step) => [step.id, step.status])).toEqual([
      ["move-aws-dir", "planned"],
      ["verify", "planned"],
      ["reboot", "planned"],
    ]);
    expect(await readFile(join(home, ".aws", "credentials"), "utf8")).toBe(CREDENTIALS);
    expect(await readdir(home)).toEqual([".aws"]);
    expect(ctx.ran).toEqual([]);
  });

  it("refuses to reboot unattended without --yes, before changing anything (exit 2)", async () => {
    const result = await run(node());
    expect(result.result).toBe("refused");
    expect(recoverExitCode(result)).toBe(2);
    expect(result.reason).toMatch(/without --yes/);
    expect(await readdir(home)).toEqual([".aws"]);
  });

  it("moves ~/.aws to an owner-only backup holding the same bytes, then verifies the role", async () => {
    const ctx = node();
    const result = await run(ctx, { yes: true, reboot: false });
    expect(result).toMatchObject({ result: "recovered", verification: { status: "healthy" } });
    expect(recoverExitCode(result)).toBe(0);
    const [backup] = await backupsIn();
    expect(result.backups).toEqual([join(home, backup ?? "")]);
    expect(backup).toBe(".aws.hpiam-backup-20261123T120000Z");
    expect((await stat(join(home, backup ?? ""))).mode & 0o777).toBe(0o700);
    expect(await readFile(join(home, backup ?? "", "credentials"), "utf8")).toBe(CREDENTIALS);
    expect(await readFile(join(home, backup ?? "", "config"), "utf8")).toBe(CONFIG);
    expect(existsSync(join(home, ".aws"))).toBe(false);
    expect(await lockIn(home)).toBe(false);
    expect(ctx.ran).toEqual([]);
    expect(result.leakedKeys).toEqual([
      expect.objectContaining({
        accessKeyId: "AKIA…MPLE",
        iamUser: "alice",
        command: expect.stringContaining("alice"),
      }),
    ]);
    expect(JSON.stringify(result)).not.toContain(SECRET);
    expect(JSON.stringify(result)).not.toContain(KEY_ID);

    // Nothing left to move; the reboot --no-reboot skipped is still due in this boot, and still skipped.
    const again = await run(node(), { yes: true, reboot: false });
    expect(again).toMatchObject({ result: "nothing-to-do", steps: [{ id: "reboot", status: "skipped" }] });
    expect(again.reason).toMatch(/a reboot is still due/);
  });

  it("remembers a skipped reboot until the boot id changes, and reboots when next asked in the same boot", async () => {
    await run(node(), { yes: true, reboot: false });
    const rebooted = node({ host: { bootId: async () => "boot-2" } });
    expect(await run(rebooted, { yes: true })).toMatchObject({ result: "nothing-to-do", steps: [] });
    expect((await run(node(), { yes: true, dryRun: true })).notes.join("\n")).toMatch(
      /a reboot is still due/,
    );
    const sameBoot = node();
    const owed = await run(sameBoot, { yes: true });
    // Made now: no note says it is still due.
    expect(owed.notes.join("\n")).not.toMatch(/still due/);
    expect(owed.steps.map((step) => `${step.id}:${step.status}`)).toEqual(["verify:done", "reboot:done"]);
    expect(sameBoot.ran).toEqual([["sudo", "-n", "systemctl", "reboot"]]);
    expect(await readdir(home)).not.toContain(".aws.hpiam-reboot-due");
  });

  it("reboots through sudo when not root, with systemctl as root", async () => {
    const user = node();
    expect((await run(user, { yes: true })).result).toBe("recovered");
    expect(user.ran).toEqual([["sudo", "-n", "systemctl", "reboot"]]);
    await rm(join(home, (await backupsIn())[0] ?? ""), { recursive: true });
    await mkdir(join(home, ".aws"));
    await writeFile(join(home, ".aws", "credentials"), CREDENTIALS);
    const asRoot = node({ uid: 0 });
    await run(asRoot, { yes: true });
    expect(asRoot.ran).toEqual([["systemctl", "reboot"]]);
  });

  it("reports a reboot command that failed and what to do instead (exit 1)", async () => {
    const ctx = node({
      exec: {
        run: async () => ({
          exitCode: 1,
          stdout: "",
          stderr: "sudo: a password is required",
          timedOut: false,
        }),
      },
    });
    const result = await run(ctx, { yes: true });
    expect(result.result).toBe("failed");
    expect(result.reason).toMatch(/a password is required; reboot the node yourself: sudo reboot/);
    expect(renderRecover(result, plainStyle)).toMatch(/ reboot {2}still needed: .* — sudo reboot\n/);
  });

  it("asks at a terminal: the plan first, then the reboot", async () => {
    const declined = await run(node({ interactive: true, answers: [false] }));
    expect(declined).toMatchObject({ result: "refused", reason: expect.stringMatching(/declined/) });
    expect(await readdir(home)).toEqual([".aws"]);

    const ctx = node({ interactive: true, answers: [true, false] });
    let shown = "";
    const result = await recover({}, ctx, { showPlan: (plan) => (shown = plan.reason) });
    expect(shown).toBe("about to move ~/.aws aside, verify the identity, reboot");
    expect(result.result).toBe("recovered");
    expect(result.steps.find((step) => step.id === "reboot")).toMatchObject({ status: "skipped" });
    expect(ctx.ran).toEqual([]);
  });

  it("refuses to reboot a Slurm node running jobs unless --force, and offers scontrol reboot", async () => {
    const slurm = (jobs: string) => ({
      which: async (command: string) => (command === "squeue" ? "/usr/bin/squeue" : undefined),
      run: async (argv: readonly string[]) => ({
        exitCode: 0,
        stdout: argv[0] === "hostname" ? "ip-10-1-20-11\n" : argv[0] === "squeue" ? jobs : "",
        stderr: "",
        timedOut: false,
      }),
    });
    const refused = await run(node({ exec: slurm("101\n102\n") }), { yes: true });
    expect(refused.result).toBe("refused");
    expect(refused.reason).toMatch(/2 Slurm job\(s\) running on ip-10-1-20-11/);
    expect(refused.reason).toContain("sudo scontrol reboot ASAP nextstate=resume ip-10-1-20-11");
    expect(await readdir(home)).toEqual([".aws"]);
    const forced = await run(node({ exec: slurm("101\n") }), { yes: true, force: true });
    expect(forced.steps.at(-1)).toMatchObject({ id: "reboot", status: "done" });
  });

  it("does not count the Slurm job it runs in (hpiam fleet's srun) as a job a reboot would kill", async () => {
    const exec = {
      which: async (command: string) => (command === "squeue" ? "/usr/bin/squeue" : undefined),
      run: async (argv: readonly string[]) => ({
        exitCode: 0,
        stdout: argv[0] === "hostname" ? "ip-10-1-20-11\n" : argv[0] === "squeue" ? "4242\n" : "",
        stderr: "",
        timedOut: false,
      }),
    };
    const result = await run(node({ exec, env: { SLURM_JOB_ID: "4242" } }), { yes: true });
    expect(result.result).toBe("recovered");
    expect(result.reboot.slurm).toEqual({ node: "ip-10-1-20-11", runningJobs: 0 });
    expect(result.steps.at(-1)).toMatchObject({ id: "reboot", status: "done" });
  });

  it("fails verification when a variable still overrides, and then does not reboot (exit 1)", async () => {
    const ctx = node({ env: { AWS_ACCESS_KEY_ID: KEY_ID, AWS_SECRET_ACCESS_KEY: SECRET } });
    Object.assign(
      ctx.aws,
      answering(() => ({ ...asLeakedUser, chain: linkWins(environmentLink) })),
    );
    const result = await run(ctx, { yes: true });
    expect(result.result).toBe("failed");
    expect(recoverExitCode(result)).toBe(1);
    expect(result.reason).toMatch(/verification failed: .*AWS_ACCESS_KEY_ID/);
    expect(result.steps.at(-1)).toMatchObject({ id: "reboot", status: "skipped" });
    expect(result.manual).toEqual([
      expect.objectContaining({
        kind: "environment",
        command: "unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY",
      }),
    ]);
    expect(ctx.ran).toEqual([]);
    expect(JSON.stringify(result)).not.toContain(SECRET);
  });

  it("never ends recovered or nothing-to-do while a startup form it cannot decide stays: it names it (exit 1)", async () => {
    const bashrc = join(home, ".bashrc");
    await writeFile(bashrc, 'alias ll="ls -l"\neval "$(cat ~/.aws.env)"\n');
    const ctx = node();
    const planned = await run(ctx, { dryRun: true });
    expect(planned.result).toBe("planned");
    const [fix] = planned.manual;
    expect(fix).toMatchObject({
      kind: "undecided",
      path: bashrc,
      line: 2,
      why: expect.any(String),
      command: `# edit by hand: ${bashrc}:2 ${fix?.why ?? ""}`,
    });
    expect(renderRecover(planned, plainStyle)).toContain(`# edit by hand: ${bashrc}:2 `);

    const result = await run(ctx, { yes: true, reboot: false });
    expect(result.result).toBe("failed");
    expect(recoverExitCode(result)).toBe(1);
    expect(result.reason).toBe(
      `hpiam cannot tell what new shells export: ${bashrc}:2 ${fix?.why ?? ""}: edit by hand (below), then run hpiam recover again`,
    );
    // With ~/.aws moved and nothing else left to do, the form still keeps the run from nothing-to-do.
    const again = await run(ctx, { yes: true, reboot: false });
    expect(again.result).toBe("failed");
    expect(again.steps[0]).toMatchObject({ id: "verify", status: "failed" });
  });

  it("--undo puts the latest backup back byte for byte, and refuses while ~/.aws exists", async () => {
    await run(node(), { yes: true, reboot: false });
    const undone = await run(node(), { undo: true });
    expect(undone.result).toBe("restored");
    expect(await readFile(join(home, ".aws", "credentials"), "utf8")).toBe(CREDENTIALS);
    expect(await backupsIn()).toEqual([]);
    expect((await run(node(), { undo: true })).result).toBe("nothing-to-do");
    await run(node(), { yes: true, reboot: false });
    await mkdir(join(home, ".aws"));
    const refused = await run(node(), { undo: true });
    expect(refused).toMatchObject({
      result: "refused",
      blockers: [expect.objectContaining({ code: "aws-dir-exists" })],
    });
  });

  it("--delete removes ~/.aws (and needs --yes unattended)", async () => {
    expect((await run(node(), { delete: true, reboot: false })).result).toBe("refused");
    const result = await run(node(), { delete: true, yes: true, reboot: false });
    expect(result).toMatchObject({ result: "recovered", backups: [] });
    expect(await readdir(home)).toEqual([".aws.hpiam-reboot-due"]);
  });

  it("moves or deletes a symlinked ~/.aws as the link only: what it points to outside is untouched", async () => {
    const outside = join(root, "shared", "aws");
    await mkdir(join(root, "shared"));
    await rm(join(home, ".aws"), { recursive: true });
    await mkdir(outside, { mode: 0o755 });
    await writeFile(join(outside, "credentials"), CREDENTIALS);
    await symlink(outside, join(home, ".aws"));
    const moved = await run(node(), { yes: true, reboot: false });
    expect(moved.users[0]?.awsDir).toMatchObject({ kind: "symlink", outsideHome: true });
    const [backup = ""] = await backupsIn();
    expect((await lstat(join(home, backup))).isSymbolicLink()).toBe(true);
    expect(await readlink(join(home, backup))).toBe(outside);
    expect((await stat(outside)).mode & 0o777).toBe(0o755);
    await rm(join(home, backup));
    await symlink(outside, join(home, ".aws"));
    await run(node(), { yes: true, delete: true, reboot: false });
    expect(existsSync(join(home, ".aws"))).toBe(false);
    expect(await readFile(join(outside, "credentials"), "utf8")).toBe(CREDENTIALS);
  });

  it("leaves a home to the live recover that holds its lock: nothing to do", async () => {
    const holder = { pid: 999, host: "ip-10-1-20-11", bootId: "boot-1", startedAt: "2026-11-23T11:59:50Z" };
    await writeFile(join(home, ".aws.hpiam-lock"), JSON.stringify(holder));
    const result = await run(node({ host: { alive: (pid) => pid === 999 } }), { yes: true });
    expect(result).toMatchObject({ result: "nothing-to-do", reason: expect.stringMatching(/pid 999/) });
    expect(await readdir(home)).toContain(".aws");
  });

  it("removes only the --delete leftover its own lock names; a look-alike is reported", async () => {
    const leftover = join(home, ".aws.hpiam-deleting-20250101T000000Z");
    await mkdir(leftover);
    await writeFile(join(leftover, "keep"), "x");
    const result = await run(node(), { yes: true, reboot: false });
    expect(result.notes).toContain(`${leftover} looks like what a --delete left; remove it yourself if so`);
    expect(existsSync(join(leftover, "keep"))).toBe(true);
  });
});

describe("hpiam recover moves what botocore reads", () => {
  const write = (name: string, text: string) => writeFile(join(home, ".aws", name), text);

  it.each([
    [
      "keys under option names in capitals",
      "credentials",
      `[default]\nAWS_ACCESS_KEY_ID = ${KEY_ID}\nAWS_SECRET_ACCESS_KEY = ${SECRET}\n`,
      "[default] static keys (AKIA…MPLE)",
    ],
    [
      "an aws login session",
      "config",
      "[default]\nlogin_session = arn:aws:iam::123456789012:user/alice\n",
      "[default] an aws login session",
    ],
    [
      "a credentials file botocore cannot parse",
      "credentials",
      `[default]\nregion = us-west-2\n[default]\naws_access_key_id = ${KEY_ID}\n`,
      "credentials cannot be parsed (line 3: duplicate section [default])",
    ],
  ])("%s: ~/.aws goes aside", async (_what, name, text, found) => {
    await rm(join(home, ".aws", "credentials"));
    await write(name, text);
    const result = await run(node(), { dryRun: true });
    expect(result.steps[0]).toMatchObject({ id: "move-aws-dir", what: expect.stringContaining(found) });
  });

  it("leaves a profile that makes botocore fetch nothing: an SSO session without an account", async () => {
    await rm(join(home, ".aws", "credentials"));
    await write("config", "[default]\nsso_session = corp\n[sso-session corp]\nsso_start_url = https://x\n");
    const result = await run(node(), { dryRun: true });
    expect(result).toMatchObject({ result: "nothing-to-do", steps: [] });
  });
});
