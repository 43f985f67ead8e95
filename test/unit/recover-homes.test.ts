import { cp, readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { recover, recoverExitCode } from "../../src/recover/recover";
import type { FileOwner, Files, PasswdEntry } from "../../src/context";
import { createFiles } from "../../src/system/files";
import { backupsIn, configuredHome, CREDENTIALS, onRealHome } from "../support/real-home";
import { lockIn } from "../support/recover-lock";

// `sudo hpiam recover --all-users` takes each home on its own: one it cannot change (a root-squashed NFS home,
// a failed rename) is left as it was and named, and the others, root's above all, are still recovered.

let root: string;
let rootHome: string;
let aliceHome: string;
beforeEach(async () => {
  ({ root, home: aliceHome } = await configuredHome());
  rootHome = join(root, "root");
  await cp(join(aliceHome, ".aws"), join(rootHome, ".aws"), { recursive: true });
});
afterEach(() => rm(root, { recursive: true, force: true }));

/** alice first, so that her home's trouble comes before root's home is done. */
const users = (): PasswdEntry[] => [
  { name: "alice", uid: 1001, gid: 1001, home: aliceHome, shell: "/bin/bash" },
  { name: "root", uid: 0, gid: 0, home: rootHome, shell: "/bin/bash" },
];
const asRoot = (files?: Files) =>
  onRealHome(rootHome, { uid: 0, name: "root", users: users(), ...(files ? { files } : {}) });
const refused = (code: string) => () =>
  Promise.reject(Object.assign(new Error(`${code}: refused`), { code }));

describe("hpiam recover --all-users, one home at a time", () => {
  it("recovers and verifies root's home when alice's cannot take a lock, names hers; the next run does hers", async () => {
    const files = {
      ...createFiles(),
      createSymlink: (target: string, path: string) =>
        path.startsWith(aliceHome) ? refused("EACCES")() : createFiles().createSymlink(target, path),
    };
    const ctx = asRoot(files);
    const result = await recover({ allUsers: true, yes: true }, ctx);

    expect(recoverExitCode(result)).toBe(1);
    expect(result.reason).toMatch(
      /^left alice's home as it was: cannot write \S+: permission denied \(EACCES\); .*then run hpiam recover again\.$/,
    );
    expect(result.reason).toContain(join(aliceHome, ".aws.hpiam-lock"));
    expect(result.steps.map((step) => `${step.id}:${step.user ?? ""}:${step.status}`)).toEqual([
      "move-aws-dir:alice:skipped",
      "move-aws-dir:root:done",
      "verify::done",
      "reboot::skipped",
    ]);
    expect(result.verification?.status).toBe("healthy");
    expect(await readFile(join(aliceHome, ".aws", "credentials"), "utf8")).toBe(CREDENTIALS);
    expect(await lockIn(aliceHome)).toBe(false);
    expect(await backupsIn(rootHome)).toHaveLength(1);
    // Root's home is done (verified): no lock left for a next run to finish, only the reboot still due.
    expect(await lockIn(rootHome)).toBe(false);
    expect(ctx.ran).toEqual([]);

    const next = asRoot();
    const finished = await recover({ allUsers: true, yes: true }, next);
    expect(finished.result, finished.reason).toBe("recovered");
    expect(await backupsIn(aliceHome)).toHaveLength(1);
    expect(next.ran).toEqual([["systemctl", "reboot"]]);
  });

  it("still moves root's ~/.aws when the move of alice's fails, and does not reboot", async () => {
    const real = createFiles();
    const files = {
      ...real,
      rename: (from: string, to: string) =>
        from === join(aliceHome, ".aws") ? refused("EPERM")() : real.rename(from, to),
    };
    const ctx = asRoot(files);
    const result = await recover({ allUsers: true, yes: true }, ctx);

    expect(result.reason).toMatch(/^move-aws-dir \S+ failed: operation not permitted \(EPERM\); /);
    expect(result.reason).toContain(join(aliceHome, ".aws"));
    expect(result.steps.map((step) => `${step.id}:${step.user ?? ""}:${step.status}`)).toEqual([
      "move-aws-dir:alice:failed",
      "move-aws-dir:root:done",
      "verify::skipped",
      "reboot::skipped",
    ]);
    expect(await readFile(join(aliceHome, ".aws", "credentials"), "utf8")).toBe(CREDENTIALS);
    expect(await backupsIn(rootHome)).toHaveLength(1);
    expect(ctx.ran).toEqual([]);
  });

  it("gives every file it creates in alice's home (lock, mode record, reboot due) to alice, not to root", async () => {
    const real = createFiles();
    const created: Array<[string, FileOwner | undefined]> = [];
    const files: Files = {
      ...real,
      // alice's home is hers; the files are created as this test's user, the owner they were given recorded.
      stat: async (path) => {
        const info = await real.stat(path);
        return info && path === aliceHome ? { ...info, uid: 1001, gid: 1001 } : info;
      },
      createSymlink: (target, path, owner) => {
        created.push([path, owner]);
        return real.createSymlink(target, path);
      },
      createExclusive: (path, content, mode, owner) => {
        created.push([path, owner]);
        return real.createExclusive(path, content, mode);
      },
    };
    const result = await recover({ allUsers: true, yes: true, reboot: false }, asRoot(files));
    expect(result.result, result.reason).toBe("recovered");
    const inAlices = created.filter(([path]) => path.startsWith(`${aliceHome}/`));
    expect(
      inAlices.map(([path]) => path.slice(aliceHome.length + 1).replace(/\d{8}T\d{6}Z/, "<stamp>")),
    ).toEqual([
      ".aws.hpiam-lock",
      ".aws.hpiam-lock.next",
      ".aws.hpiam-mode-<stamp>",
      ".aws.hpiam-reboot-due",
    ]);
    expect(inAlices.map(([, owner]) => owner)).toEqual(Array(4).fill({ uid: 1001, gid: 1001 }));
  });

  it("a single home whose lock cannot be written is still exit 3 with nothing changed", async () => {
    const files = { ...createFiles(), createSymlink: refused("EROFS") };
    await expect(recover({ user: "alice", yes: true }, asRoot(files))).rejects.toMatchObject({ exitCode: 3 });
    expect(await readFile(join(aliceHome, ".aws", "credentials"), "utf8")).toBe(CREDENTIALS);
    expect(await backupsIn(aliceHome)).toEqual([]);
  });
});
