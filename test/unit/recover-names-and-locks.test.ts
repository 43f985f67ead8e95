import { lstat, mkdtemp, readdir, readlink, rm, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { copiesIn, freeCopyName, utcStamp } from "../../src/recover/model/backup-names";
import { deactivateKeyCommand, startupFileFix } from "../../src/recover/model/manual-fixes";
import { lockHomes, readLock } from "../../src/recover/lock";
import { judgeLock, parseLock } from "../../src/recover/model/lock-state";
import { createFiles } from "../../src/system/files";
import { fakeContext } from "../support/fake-context";
import { STAMP } from "../support/recovery-survey";

describe("recover's names, locks and commands", () => {
  it("stamps in UTC and orders copies by stamp, then serial", () => {
    expect(utcStamp(new Date("2026-11-23T06:15:00.123Z"))).toBe(STAMP);
    const names = [
      ".aws.hpiam-backup-20261123T061500Z-10",
      ".aws.hpiam-backup-20261123T061500Z-9",
      ".aws.hpiam-backup-20251123T061500Z",
      ".aws.hpiam-backup-junk",
      ".bashrc",
    ];
    expect(copiesIn(names, ".aws.hpiam-backup-").map((copy) => copy.serial)).toEqual([1, 9, 10]);
    expect(freeCopyName("p-", STAMP, [`p-${STAMP}`, `p-${STAMP}-2`])).toBe(`p-${STAMP}-3`);
  });

  const here = { host: "node-a", bootId: "boot-1", alive: (pid: number) => pid === 100 };
  const now = new Date("2026-11-23T06:20:00Z");
  const holder = (pid: number, extra = {}) => ({
    pid,
    host: "node-a",
    bootId: "boot-1",
    startedAt: "2026-11-23T06:19:00Z",
    ...extra,
  });

  it("tells a live holder from one a crash or a reboot left, and from garbage", () => {
    expect(judgeLock(holder(100), here, now).state).toBe("held");
    expect(judgeLock(holder(200), here, now)).toMatchObject({ state: "stale", resume: "same-boot" });
    expect(judgeLock(holder(100, { bootId: "boot-0" }), here, now)).toMatchObject({ resume: "after-reboot" });
    expect(judgeLock(holder(200, { host: "node-b" }), here, now).state).toBe("held");
    const old = holder(200, { host: "node-b", startedAt: "2026-11-23T05:00:00Z" });
    expect(judgeLock(old, here, now)).toMatchObject({ state: "stale", resume: "no" });
    // No run ever leaves a lock half written: one that does not parse, however fresh, holds nothing.
    expect(parseLock("garbage")).toBeUndefined();
    expect(parseLock("")).toBeUndefined();
    expect(judgeLock(undefined, here, now)).toEqual({ state: "stale", resume: "no" });
  });

  it("builds a deactivation command that finds the full key id itself", () => {
    const command = deactivateKeyCommand("AKIA…MPLE", "alice");
    expect(command).toBe(
      `aws iam update-access-key --user-name alice --status Inactive --access-key-id "$(aws iam list-access-keys --user-name alice --query "AccessKeyMetadata[?starts_with(AccessKeyId, 'AKIA') && ends_with(AccessKeyId, 'MPLE')].AccessKeyId" --output text)"`,
    );
    expect(deactivateKeyCommand("AKIA…MPLE", "bad name;rm")).toContain("<IAM-USER>");
    expect(deactivateKeyCommand("…", "alice")).toBeUndefined();
  });

  it("quotes a startup file path a shell would split", () => {
    const removal = { kind: "lines", from: 3, to: 3 } as const;
    expect(
      startupFileFix("/home/a b/.profile", [{ line: 3, variable: "AWS_PROFILE", credential: false, removal }])
        .command,
    ).toBe("sed -i -e '3d' '/home/a b/.profile'");
  });

  it("cuts names out of a line by byte columns, right to left, and deletes whole lines", () => {
    const found = [
      { line: 2, variable: "AWS_ACCESS_KEY_ID", credential: true },
      { line: 2, variable: "AWS_SECRET_ACCESS_KEY", credential: true },
      { line: 5, variable: "AWS_PROFILE", credential: false },
    ];
    const removals = [
      { kind: "cut", line: 2, column: 35, length: 24, replacement: "" },
      { kind: "cut", line: 2, column: 59, length: 32, replacement: "" },
      { kind: "lines", from: 5, to: 5 },
    ] as const;
    const fix = startupFileFix(
      "/home/u/.bashrc",
      found.map((hit, at) => ({ ...hit, removal: removals[at] ?? removals[2] })),
    );
    expect(fix.command).toBe(
      "LC_ALL=C sed -i -e '2s/^\\(.\\{59\\}\\).\\{32\\}/\\1/' -e '2s/^\\(.\\{35\\}\\).\\{24\\}/\\1/' -e '5d' /home/u/.bashrc",
    );
  });
});

describe("a home's recover lock, taken and given back", () => {
  let home: string;
  beforeEach(async () => (home = await mkdtemp(join(tmpdir(), "hpiam-lock-"))));
  afterEach(() => rm(home, { recursive: true, force: true }));

  /** The fake node on real files; pid 100 is alive, every other pid is not. */
  const node = (pid = 4242) =>
    fakeContext({ files: createFiles(), host: { pid, alive: (candidate) => candidate === 100 } });
  const lockOf = (holder: Record<string, unknown>, path = join(home, ".aws.hpiam-lock")) =>
    symlink(JSON.stringify({ host: "ip-10-1-20-11", bootId: "boot-1", ...holder }), path);
  const ubuntu = () => [{ user: "ubuntu", home }];

  it("takes a free lock, records where ~/.aws goes, and gives it back", async () => {
    const locks = await lockHomes(node(), ubuntu());
    expect(locks.stateOf(home)).toEqual({ state: "free" });
    expect(await locks.recordMove(home, join(home, ".aws.hpiam-backup-1"))).toBe(true);
    expect(JSON.parse(await readlink(join(home, ".aws.hpiam-lock")))).toMatchObject({
      pid: 4242,
      moving: join(home, ".aws.hpiam-backup-1"),
    });
    await locks.releaseAll();
    expect(await readdir(home)).toEqual([]);
  });

  it("takes over a dead run's lock, and the .next a taker killed mid-way left; says what it took over", async () => {
    const moving = join(home, ".aws.hpiam-backup-1");
    await lockOf({ pid: 200, startedAt: "2026-11-23T11:59:00Z", moving });
    await lockOf({ pid: 300, startedAt: "2026-11-23T11:59:30Z" }, join(home, ".aws.hpiam-lock.next"));
    const locks = await lockHomes(node(), ubuntu());
    expect(locks.stateOf(home)).toMatchObject({
      state: "stale",
      resume: "same-boot",
      holder: { pid: 200, moving },
    });
    expect(await readdir(home)).toEqual([".aws.hpiam-lock"]);
    expect(JSON.parse(await readlink(join(home, ".aws.hpiam-lock")))).toMatchObject({ pid: 4242 });
  });

  it("waits for a live run, then names it; its lock stays as it was", async () => {
    await lockOf({ pid: 100, startedAt: "2026-11-23T11:59:50Z" });
    const paused: number[] = [];
    const ctx = { ...node(), host: { ...node().host, pause: async (ms: number) => void paused.push(ms) } };
    const locks = await lockHomes(ctx, ubuntu());
    expect(locks.taken(home)).toMatchObject({ state: "held", holder: { pid: 100 } });
    expect(paused.length).toBeGreaterThan(10);
    await locks.releaseAll();
    expect(JSON.parse(await readlink(join(home, ".aws.hpiam-lock")))).toMatchObject({ pid: 100 });
  });

  it("gives back only a lock that is still its own, and keeps one it was told to keep", async () => {
    const taken = await lockHomes(node(), ubuntu());
    // Another run took it over meanwhile (this one was judged dead): that run's lock is not removed.
    await rm(join(home, ".aws.hpiam-lock"));
    await lockOf({ pid: 100, startedAt: "2026-11-23T11:59:50Z" });
    await taken.releaseAll();
    expect(await readLock(node(), home)).toMatchObject({ state: "held", holder: { pid: 100 } });

    await rm(join(home, ".aws.hpiam-lock"));
    const kept = await lockHomes(node(), ubuntu());
    kept.keep(home);
    await kept.releaseAll();
    expect((await lstat(join(home, ".aws.hpiam-lock"))).isSymbolicLink()).toBe(true);
  });
});
