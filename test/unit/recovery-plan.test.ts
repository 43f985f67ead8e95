import { describe, expect, it } from "vitest";
import { type PlanOptions, planRecovery } from "../../src/recover/model/recovery-plan";
import { HOME, home, STAMP, survey } from "../support/recovery-survey";

const YES: PlanOptions = {
  action: "recover",
  delete: false,
  reboot: true,
  yes: true,
  force: false,
  interactive: false,
};

const ids = (plan: ReturnType<typeof planRecovery>) => plan.steps.map((step) => step.id);

describe("planRecovery", () => {
  it("moves ~/.aws to a timestamped backup next to it, verifies, then reboots through sudo", () => {
    const plan = planRecovery(survey(), YES);
    expect(ids(plan)).toEqual(["move-aws-dir", "verify", "reboot"]);
    expect(plan.steps[0]).toMatchObject({ path: `${HOME}/.aws`, to: `${HOME}/.aws.hpiam-backup-${STAMP}` });
    expect(plan.steps[2]?.command).toEqual(["sudo", "-n", "systemctl", "reboot"]);
    expect(plan.blockers).toEqual([]);
  });

  it("reboots with systemctl as root and names the SSM agent for /root", () => {
    const plan = planRecovery(
      survey({
        isRoot: true,
        homes: [home({ user: "root", home: "/root", awsDir: { ...home().awsDir, path: "/root/.aws" } })],
      }),
      YES,
    );
    expect(plan.steps.at(-1)?.command).toEqual(["systemctl", "reboot"]);
    expect(plan.reboot.why).toMatch(/the SSM agent runs as root and may have read \/root\/\.aws$/);
  });

  it("gives the backup a free name when one of the same second exists", () => {
    const taken = home({ entries: [".aws", `.aws.hpiam-backup-${STAMP}`] });
    expect(planRecovery(survey({ homes: [taken] }), YES).steps[0]?.to).toBe(
      `${HOME}/.aws.hpiam-backup-${STAMP}-2`,
    );
  });

  it("has nothing to do (and no reboot) when no profile supplies credentials", () => {
    const clean = home({ awsDir: { ...home().awsDir, profiles: [] } });
    const plan = planRecovery(survey({ homes: [clean] }), YES);
    expect(plan.steps).toEqual([]);
    expect(plan.reboot.needed).toBe(false);
  });

  it("leaves a non-default role profile in place: the SDK does not use it unless asked", () => {
    const roleOnly = home({
      awsDir: {
        ...home().awsDir,
        profiles: [
          {
            path: `${HOME}/.aws/config`,
            section: "profile ml",
            profile: "ml",
            line: 2,
            method: "assume-role",
            roleArn: "arn:aws:iam::123456789012:role/ML",
            usedBy: ["ml"],
            wins: false,
          },
        ],
      },
    });
    const plan = planRecovery(survey({ homes: [roleOnly] }), YES);
    expect(plan.steps).toEqual([]);
    expect(plan.notes[0]).toMatch(/\[ml\] a role_arn profile .* left in place/);
  });

  it("refuses to reboot without --yes when there is no terminal, but not with --no-reboot", () => {
    const unattended = { ...YES, yes: false };
    expect(planRecovery(survey(), unattended).blockers.map((b) => b.code)).toEqual(["needs-yes"]);
    const noReboot = planRecovery(survey(), { ...unattended, reboot: false });
    expect(ids(noReboot)).toEqual(["move-aws-dir", "verify"]);
    expect(noReboot.blockers).toEqual([]);
    expect(noReboot.reboot.needed).toBe(true);
  });

  it("refuses a reboot while Slurm jobs run unless --force, and offers scontrol reboot", () => {
    const busyNode = survey({ slurm: { node: "ip-10-1-20-11", runningJobs: 2 } });
    const plan = planRecovery(busyNode, YES);
    expect(plan.blockers[0]).toMatchObject({ code: "slurm-jobs" });
    expect(plan.reboot.alternative).toBe("sudo scontrol reboot ASAP nextstate=resume ip-10-1-20-11");
    expect(planRecovery(busyNode, { ...YES, force: true }).blockers).toEqual([]);
    expect(planRecovery(busyNode, { ...YES, reboot: false }).blockers).toEqual([]);
    // The hint repeats the run's own sudo and --all-users, so that it reaches the same homes.
    const asRun = planRecovery(busyNode, { ...YES, command: "sudo hpiam recover --all-users" });
    expect(asRun.blockers[0]?.hint).toMatch(
      /^Let Slurm reboot once they end: sudo hpiam recover --all-users --yes --no-reboot, then sudo scontrol/,
    );
    const unknown = survey({ slurm: { node: "ip-10-1-20-11", error: "squeue failed: timeout" } });
    expect(planRecovery(unknown, YES).blockers[0]?.code).toBe("slurm-unknown");
  });

  it("names the leaked key's IAM user only when the identity before used that very key", () => {
    const [key] = planRecovery(survey(), YES).leakedKeys;
    expect(key).toMatchObject({ accessKeyId: "AKIA…MPLE", iamUser: "alice" });
    expect(key?.command).toContain("--user-name alice --status Inactive");
    const other = survey({
      identityBefore: { arn: "x", type: "iam-user", name: "bob", accessKeyId: "AKIA…ZZZZ" },
    });
    expect(planRecovery(other, YES).leakedKeys[0]).toMatchObject({ iamUser: null });
  });

  it("reports startup-file exports and variables as fixes to make by hand, and verifies", () => {
    const exporting = home({
      awsDir: { ...home().awsDir, profiles: [] },
      exports: [
        ...[14, 12].map((line) => ({
          path: `${HOME}/.bashrc`,
          line,
          variable: line === 14 ? "AWS_SECRET_ACCESS_KEY" : "AWS_ACCESS_KEY_ID",
          credential: true,
          certain: true,
          removal: { kind: "lines" as const, from: line, to: line },
        })),
      ],
    });
    const plan = planRecovery(survey({ homes: [exporting], environment: ["AWS_ACCESS_KEY_ID"] }), YES);
    expect(ids(plan)).toEqual(["verify"]);
    expect(plan.manual).toEqual([
      expect.objectContaining({ kind: "startup-file", command: `sed -i -e '12d' -e '14d' ${HOME}/.bashrc` }),
      expect.objectContaining({ kind: "environment", command: "unset AWS_ACCESS_KEY_ID" }),
    ]);
  });

  it("verifies, rather than nothing-to-do, where a profile variable the startup files export breaks new shells", () => {
    const profileLine = {
      path: `${HOME}/.profile`,
      line: 28,
      variable: "AWS_PROFILE",
      credential: false,
      certain: true,
      removal: { kind: "lines" as const, from: 28, to: 28 },
    };
    const clean = { ...home().awsDir, kind: "absent" as const, profiles: [] };
    const reason = "new shells stop with: The config profile (dev) could not be found";
    const breaking = home({
      awsDir: clean,
      exports: [profileLine],
      newShell: { status: "broken", reason, variables: ["AWS_PROFILE"] },
    });
    const plan = planRecovery(survey({ homes: [breaking] }), YES);
    expect(ids(plan)).toEqual(["verify"]);
    expect(plan.manual).toEqual([
      expect.objectContaining({ kind: "startup-file", newShell: { status: "broken", reason } }),
    ]);
    // The same line where new shells sign as they would without it: reported, nothing to verify.
    const harmless = planRecovery(survey({ homes: [home({ awsDir: clean, exports: [profileLine] })] }), YES);
    expect(ids(harmless)).toEqual([]);
    expect(harmless.manual).toEqual([expect.objectContaining({ kind: "startup-file", newShell: null })]);
  });

  it("names each startup form hpiam cannot decide as a fix by hand, once, and verifies rather than nothing-to-do", () => {
    const clean = { ...home().awsDir, kind: "absent" as const, profiles: [] };
    const why = "eval of a command's output (cat ~/.aws.env)";
    const alice = home({
      user: "alice",
      home: "/home/alice",
      awsDir: { ...clean, path: "/home/alice/.aws" },
      undecided: [{ path: "/home/alice/.bashrc", line: 7, why }],
    });
    const machine = {
      path: "/etc/profile.d/aws.sh",
      line: 2,
      why: "source of a file named by a command's output",
    };
    const plan = planRecovery(
      survey({ homes: [home({ awsDir: clean }), alice], systemUndecided: [machine] }),
      YES,
    );
    expect(ids(plan)).toEqual(["verify"]);
    expect(plan.manual).toEqual([
      {
        kind: "undecided",
        path: "/home/alice/.bashrc",
        line: 7,
        why,
        credential: false,
        command: `# edit by hand: /home/alice/.bashrc:7 ${why}`,
      },
      expect.objectContaining({ kind: "undecided", path: "/etc/profile.d/aws.sh", line: 2 }),
    ]);
    expect(ids(planRecovery(survey({ homes: [home({ awsDir: clean })] }), YES))).toEqual([]);
  });

  it("unsets a variable that names a file of keys once, in that file's fix", () => {
    const named = survey({
      keyFiles: [{ path: "/data/keys", variable: "AWS_SHARED_CREDENTIALS_FILE" }],
      environment: ["AWS_SHARED_CREDENTIALS_FILE", "AWS_PROFILE"],
    });
    const commands = planRecovery(named, YES).manual.map((fix) => fix.command);
    expect(commands).toEqual(["unset AWS_SHARED_CREDENTIALS_FILE", "unset AWS_PROFILE"]);
  });

  it("deletes with --delete (which needs --yes unattended) and secures a backup left open", () => {
    const open = home({
      backups: [
        {
          name: "b",
          stamp: "20250101T000000Z",
          serial: 1,
          path: `${HOME}/b`,
          kind: "directory",
          ownerOnly: false,
        },
      ],
    });
    const plan = planRecovery(survey({ homes: [open] }), { ...YES, delete: true, reboot: false, yes: false });
    expect(ids(plan)).toEqual(["secure-backup", "delete-aws-dir", "verify"]);
    expect(plan.blockers[0]?.code).toBe("needs-yes");
  });

  it("moves a symlinked ~/.aws as the link only", () => {
    const linked = home({
      awsDir: { ...home().awsDir, kind: "symlink", symlinkTarget: "/fsx/x", outsideHome: true },
    });
    const plan = planRecovery(survey({ homes: [linked] }), YES);
    expect(plan.steps[0]?.what).toMatch(/symlink out of the home: only the link/);
    expect(plan.notes).toContainEqual(
      expect.stringMatching(/^\/home\/ubuntu\/\.aws is a symlink to \/fsx\/x: the keys stay there/),
    );
  });

  it("leaves a home another live recover holds alone", () => {
    const held = home({
      lock: { state: "held", holder: { pid: 7, host: "h", startedAt: "2026-11-23T06:00:00Z" } },
    });
    const plan = planRecovery(survey({ homes: [held] }), YES);
    expect(plan.steps).toEqual([]);
    expect(plan.busy).toEqual([{ user: "ubuntu", holder: expect.objectContaining({ pid: 7 }) }]);
  });

  it("finishes a run that died after moving ~/.aws: verify, and reboot if this boot has not", () => {
    const holder = { pid: 7, host: "h", startedAt: "2026-11-23T06:15:00.500Z", moving: `${HOME}/b` };
    const after = home({
      awsDir: { path: `${HOME}/.aws`, kind: "absent", outsideHome: false, accessDenied: false, profiles: [] },
      backups: [
        { name: "b", stamp: STAMP, serial: 1, path: `${HOME}/b`, kind: "directory", ownerOnly: true },
      ],
      lock: { state: "stale", holder, resume: "same-boot" },
    });
    const plan = planRecovery(survey({ homes: [after] }), YES);
    expect(ids(plan)).toEqual(["verify", "reboot"]);
    expect(plan.resumed).toEqual([`${HOME}/b`]);
    const rebooted = home({ ...after, lock: { state: "stale", holder, resume: "after-reboot" } });
    expect(ids(planRecovery(survey({ homes: [rebooted] }), YES))).toEqual(["verify"]);
    const elsewhere = home({
      ...after,
      lock: { state: "stale", holder: { ...holder, moving: `${HOME}/x` }, resume: "same-boot" },
    });
    expect(ids(planRecovery(survey({ homes: [elsewhere] }), YES))).toEqual([]);
    const deleting = home({
      ...after,
      backups: [],
      lock: {
        state: "stale",
        holder: { ...holder, moving: `${HOME}/.aws.hpiam-deleting-${STAMP}` },
        resume: "same-boot",
      },
    });
    expect(ids(planRecovery(survey({ homes: [deleting] }), YES))).toEqual(["verify", "reboot"]);
  });

  it("undoes by putting the newest backup back, and refuses while ~/.aws exists again", () => {
    const backups = [
      {
        name: "a",
        stamp: "20250101T000000Z",
        serial: 1,
        path: `${HOME}/a`,
        kind: "directory",
        ownerOnly: true,
      },
      { name: "b", stamp: STAMP, serial: 1, path: `${HOME}/b`, kind: "directory", ownerOnly: true },
    ];
    const gone = home({ backups, awsDir: { ...home().awsDir, kind: "absent", profiles: [] } });
    const undo = { ...YES, action: "undo" as const };
    expect(planRecovery(survey({ homes: [gone] }), undo).steps).toEqual([
      expect.objectContaining({ id: "restore-aws-dir", path: `${HOME}/b`, to: `${HOME}/.aws` }),
    ]);
    expect(planRecovery(survey({ homes: [home({ backups })] }), undo).blockers[0]?.code).toBe(
      "aws-dir-exists",
    );
  });
});
