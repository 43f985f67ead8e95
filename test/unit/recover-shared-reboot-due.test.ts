import { readdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { judgeRebootDue } from "../../src/recover/model/reboot-due";
import { recover } from "../../src/recover/recover";
import { configuredHome, onRealHome } from "../support/real-home";

const MOVED = "2026-11-23T12:00:00.000Z";
const memory = (host: string, bootId = "boot-1") => JSON.stringify({ host, bootId, since: MOVED });

describe("a reboot still due, judged on each node", () => {
  it("its writer owes it until its boot id changes; another node sharing the home, if it booted before the move", () => {
    const before = new Date("2026-11-23T08:00:00Z");
    const after = new Date("2026-11-23T12:30:00Z");
    expect(judgeRebootDue(memory("n2"), { host: "n2", bootId: "boot-1" })).toEqual({
      state: "due",
      since: MOVED,
      host: "n2",
    });
    expect(judgeRebootDue(memory("n2"), { host: "n2", bootId: "boot-2" }).state).toBe("past");
    expect(judgeRebootDue(memory("n2"), { host: "n3", bootId: "boot-1", bootTime: before }).state).toBe(
      "due",
    );
    expect(judgeRebootDue(memory("n2"), { host: "n3", bootId: "boot-9", bootTime: after }).state).toBe(
      "past",
    );
    // No boot time: nothing tells, so nothing is claimed.
    expect(judgeRebootDue(memory("n2"), { host: "n3", bootId: "boot-9" }).state).toBe("past");
  });
});

describe("recover's document: the homes it changes, on which filesystem, and the reboot still due", () => {
  let root: string;
  let home: string;
  let mounts: string;
  beforeEach(async () => {
    ({ root, home } = await configuredHome());
    mounts = join(root, "mounts");
  });
  afterEach(() => rm(root, { recursive: true, force: true }));
  const onLustre = () =>
    writeFile(mounts, `/dev/root / ext4 rw 0 0\nfs-0abc@tcp:/fsx ${join(root, "home")} lustre rw 0 0\n`);
  const node = (hostname: string, bootTime: string) =>
    onRealHome(home, {
      env: { HPIAM_PROC_MOUNTS: mounts },
      host: { hostname, bootId: async () => `${hostname}-boot`, bootTime: async () => new Date(bootTime) },
    });

  it("a home on the node's own disk: changed, not shared, named by its own path", async () => {
    await writeFile(mounts, "/dev/root / ext4 rw 0 0\n");
    const plan = await recover({ dryRun: true, reboot: false }, node("n2", "2026-11-23T08:00:00Z"));
    expect(plan.changedHomes).toEqual([
      {
        user: "ubuntu",
        home,
        awsDir: join(home, ".aws"),
        shared: false,
        filesystem: { fsType: "ext4", source: "/dev/root", mountPoint: "/", path: join(home, ".aws") },
      },
    ]);
    expect(plan.rebootDue).toBeNull();
  });

  it("a shared home moved by n2 leaves n3, booted before, a reboot due; n3's own reboot leaves the record for the others", async () => {
    await onLustre();
    const moved = await recover({ yes: true, reboot: false }, node("n2", "2026-11-23T08:00:00Z"));
    expect(moved.changedHomes[0]).toMatchObject({
      shared: true,
      filesystem: { fsType: "lustre", source: "fs-0abc@tcp:/fsx", path: "/ubuntu/.aws" },
    });
    expect(moved.sharedHomes[0]?.reaches).toMatch(/^every node that mounts .* \(fs-0abc@tcp:\/fsx\)/);

    const n3 = await recover({ dryRun: true, reboot: false }, node("n3", "2026-11-23T09:00:00Z"));
    expect(n3).toMatchObject({ result: "nothing-to-do", rebootDue: { since: MOVED, homes: [home] } });
    expect(n3.reason).toMatch(/a reboot is still due since/);
    const n4 = await recover({ dryRun: true, reboot: false }, node("n4", "2026-11-23T12:10:00Z"));
    expect(n4).toMatchObject({ result: "nothing-to-do", rebootDue: null });

    // n3 verifies and reboots; n2, which has not rebooted, still owes its own.
    const n3Rebooting = node("n3", "2026-11-23T09:00:00Z");
    const made = await recover({ yes: true }, n3Rebooting);
    expect(n3Rebooting.ran).toEqual([["sudo", "-n", "systemctl", "reboot"]]);
    expect(made.rebootDue).toBeNull();
    expect(await readdir(home)).toContain(".aws.hpiam-reboot-due");
    const n2 = await recover({ dryRun: true, reboot: false }, node("n2", "2026-11-23T08:00:00Z"));
    expect(n2.rebootDue).toEqual({ since: MOVED, homes: [home] });
  });
});
