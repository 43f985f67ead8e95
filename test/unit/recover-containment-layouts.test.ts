import fc from "fast-check";
import { chmod, lutimes, mkdir, symlink, utimes, writeFile } from "node:fs/promises";
import { basename, join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import type { RecoverOptions, RecoverResult } from "../../src/recover/types";
import { LEAKED_KEY_ID as KEY_ID, credentialsFor } from "../support/real-home";
import type { FileChange } from "../support/recording-files";
import { attempt, inTempRoot, onDisk } from "../support/recover-on-disk";
import { treeSnapshot } from "../support/tree-snapshot";

const OTHER_KEY_ID = "AKIAI44QH8DHBEXAMPLE";
const HOST = "ip-10-1-20-11";
/** An hour before the fake clock, whatever the real one says: a lock or leftover this old is stale. */
const LONG_AGO = new Date("2026-11-23T11:00:00Z");

/** The property-1 rule: a change lands on an entry directly in the home, named `.aws` or `.aws.hpiam-*`. */
function escapes(change: FileChange, realHome: string): string | undefined {
  const name = basename(change.path);
  if (resolve(change.path) !== change.path) return "a path that is not absolute and normalized";
  if (change.parent !== realHome) return `its directory is ${change.parent ?? "unresolvable"}, not the home`;
  if (name !== ".aws" && !name.startsWith(".aws.hpiam-")) return "an entry recover does not own";
  if (change.kindBefore === "symlink") return `${change.operation} through a symlink`;
  return undefined;
}

describe("hpiam recover stays inside the user's home", () => {
  const AWS_DIRS = [
    "absent",
    "keys",
    "keys-linking-out",
    "file",
    "link-outside",
    "link-other-home",
    "link-root",
    "link-relative-other",
    "link-chain",
    "link-chain-via-home",
    "dangling",
    "loop",
  ] as const;
  const LOCKS = [
    "none",
    "link-outside",
    "garbage",
    "moving-outside",
    "moving-outside-deleting",
    "moving-traversal",
    "moving-leftover",
    "moving-backup",
    "held-elsewhere",
    "directory",
  ] as const;
  const layouts = fc.record({
    awsDir: fc.constantFrom(...AWS_DIRS),
    backups: fc.array(fc.constantFrom("loose-dir", "owner-only-dir", "link-outside", "link-other-home"), {
      maxLength: 3,
    }),
    leftovers: fc.array(fc.constantFrom("link-outside", "dir-linking-out"), { maxLength: 2 }),
    lock: fc.constantFrom(...LOCKS),
    lockBoot: fc.constantFrom("boot-1", "boot-0", undefined),
    homeViaLink: fc.boolean(),
    options: fc.constantFrom<RecoverOptions>(
      { yes: true },
      { yes: true, reboot: false },
      { reboot: false },
      { delete: true, yes: true },
      { delete: true, yes: true, reboot: false },
      { undo: true },
      { dryRun: true },
      { delete: true, dryRun: true },
    ),
  });
  type Layout = typeof layouts extends fc.Arbitrary<infer T> ? T : never;

  /** `<root>/outside/…` and `<root>/home/other`: what recover must leave exactly as it was. */
  async function plantBystanders(root: string): Promise<void> {
    const outside = join(root, "outside");
    const dirs = [
      "aws",
      "victim",
      ".aws.hpiam-deleting-20261123T110000Z",
      "backup-0",
      "backup-1",
      "backup-2",
    ];
    for (const dir of [...dirs, "leftover-0", "leftover-1"]) {
      await mkdir(join(outside, dir), { recursive: true });
      await writeFile(join(outside, dir, "data"), `${dir}\n`, { mode: 0o644 });
      await chmod(join(outside, dir), 0o777);
    }
    await writeFile(join(outside, "aws", "credentials"), credentialsFor(KEY_ID), { mode: 0o644 });
    await chmod(join(outside, "aws"), 0o755);
    await writeFile(join(outside, "config-target"), "[default]\nregion = us-west-2\n", { mode: 0o666 });
    await writeFile(join(outside, "lock-target"), "not a lock\n", { mode: 0o644 });
    await symlink("hop2", join(outside, "hop1"));
    await symlink("aws", join(outside, "hop2"));
    const other = join(root, "home", "other", ".aws");
    await mkdir(other, { recursive: true });
    await writeFile(join(other, "credentials"), credentialsFor(OTHER_KEY_ID), { mode: 0o600 });
    await chmod(other, 0o755);
  }

  async function plantAwsDir(root: string, home: string, shape: Layout["awsDir"]): Promise<void> {
    const dir = join(home, ".aws");
    const outside = join(root, "outside");
    const link = (target: string) => symlink(target, dir);
    switch (shape) {
      case "absent":
        return;
      case "keys":
      case "keys-linking-out":
        await mkdir(dir, { mode: 0o755 });
        await writeFile(join(dir, "credentials"), credentialsFor(KEY_ID), { mode: 0o644 });
        if (shape === "keys") return;
        await symlink(join(outside, "config-target"), join(dir, "config"));
        return symlink(join(outside, "victim"), join(dir, "cli"));
      case "file":
        return writeFile(dir, credentialsFor(KEY_ID));
      case "link-outside":
        return link(join(outside, "aws"));
      case "link-other-home":
        return link(join(root, "home", "other", ".aws"));
      case "link-root":
        return link("/");
      case "link-relative-other":
        return link("../other/.aws");
      case "link-chain":
        return link(join(outside, "hop1"));
      case "link-chain-via-home":
        await symlink(join(outside, "hop1"), join(home, ".aws-hop"));
        return link(".aws-hop");
      case "dangling":
        return link(join(outside, "missing"));
      case "loop":
        await symlink(".aws", join(home, ".aws-loop"));
        return link(".aws-loop");
    }
  }

  /** Builds the layout; the home as the user database gives it (through `<root>/link-home` or not). */
  async function plant(root: string, layout: Layout): Promise<string> {
    await plantBystanders(root);
    const realHome = join(root, "home", "u");
    await mkdir(realHome, { mode: 0o750 });
    const home = layout.homeViaLink ? join(root, "link-home") : realHome;
    if (layout.homeViaLink) await symlink(realHome, home);
    await plantAwsDir(root, realHome, layout.awsDir);
    const outside = join(root, "outside");
    const backups = layout.backups.map((_, i) => join(home, `.aws.hpiam-backup-2026010${i + 1}T000000Z`));
    for (const [i, kind] of layout.backups.entries()) {
      const path = backups[i] ?? "";
      if (kind === "link-outside") await symlink(join(outside, `backup-${i}`), path);
      else if (kind === "link-other-home") await symlink(join(root, "home", "other", ".aws"), path);
      else {
        await mkdir(path);
        await writeFile(join(path, "credentials"), credentialsFor(KEY_ID), { mode: 0o600 });
        await symlink(join(outside, `backup-${i}`), join(path, "linked"));
        await chmod(path, kind === "loose-dir" ? 0o755 : 0o700);
      }
    }
    const leftovers = layout.leftovers.map((_, i) =>
      join(home, `.aws.hpiam-deleting-2026010${i + 1}T000000Z`),
    );
    for (const [i, kind] of layout.leftovers.entries()) {
      const path = leftovers[i] ?? "";
      if (kind === "link-outside") await symlink(join(outside, `leftover-${i}`), path);
      else {
        await mkdir(path);
        await symlink(join(outside, `leftover-${i}`), join(path, "escape"));
      }
    }
    await plantLock(root, home, layout, { backups, leftovers });
    return home;
  }

  async function plantLock(
    root: string,
    home: string,
    { lock, lockBoot }: Layout,
    named: { backups: string[]; leftovers: string[] },
  ): Promise<void> {
    const path = join(home, ".aws.hpiam-lock");
    const outside = join(root, "outside");
    const holder = (moving: string, host = HOST, startedAt = LONG_AGO.toISOString()) =>
      JSON.stringify({ pid: 1, host, ...(lockBoot ? { bootId: lockBoot } : {}), startedAt, moving });
    const texts: Partial<Record<Layout["lock"], string>> = {
      "moving-outside": holder(join(outside, "victim")),
      "moving-outside-deleting": holder(join(outside, ".aws.hpiam-deleting-20261123T110000Z")),
      "moving-traversal": holder(`${home}/../other/.aws`),
      "moving-leftover": holder(named.leftovers[0] ?? join(home, ".aws.hpiam-deleting-20260101T000000Z")),
      "moving-backup": holder(named.backups.at(-1) ?? join(outside, "backup-0")),
      "held-elsewhere": holder(join(outside, "victim"), "ip-10-9-9-9", "2026-11-23T11:59:30Z"),
    };
    if (lock === "none") return;
    if (lock === "link-outside") {
      await symlink(join(outside, "lock-target"), path);
      return lutimes(path, LONG_AGO, LONG_AGO);
    }
    if (lock === "directory") {
      await mkdir(path);
      await symlink(join(outside, "victim"), join(path, "escape"));
      return utimes(path, LONG_AGO, LONG_AGO);
    }
    await writeFile(path, texts[lock] ?? "garbage", { mode: 0o600 });
    await utimes(path, LONG_AGO, LONG_AGO);
  }

  it("changes only .aws and .aws.hpiam-* entries directly in the home, and nothing outside it", async () => {
    await fc.assert(
      fc.asyncProperty(layouts, (layout) =>
        inTempRoot(async (root) => {
          const home = await plant(root, layout);
          const realHome = join(root, "home", "u");
          const bystanders = [join(root, "outside"), join(root, "home", "other")];
          const before = await treeSnapshot(root, [realHome]);
          const users = [
            { name: "u", uid: 1000, gid: 1000, home, shell: "/bin/bash" },
            { name: "other", uid: 1001, gid: 1001, home: join(root, "home", "other"), shell: "/bin/bash" },
          ];
          const { ctx, changes } = onDisk(home, users);
          const outcome = await attempt(layout.options, ctx);

          // Property 1: each change, as the kernel resolved it at the call, is an entry of the home itself.
          const stray = changes.flatMap((change) => {
            const why = escapes(change, realHome);
            return why ? [`${change.operation} ${change.path}: ${why}`] : [];
          });
          expect(stray, describeRun(outcome)).toEqual([]);
          // Property 2: the outside tree and the other user's home, byte for byte and mode for mode.
          const after = await treeSnapshot(root, [realHome]);
          const within = (snapshot: Record<string, string>) =>
            Object.entries(snapshot).filter(([path]) => bystanders.some((dir) => path.startsWith(dir)));
          expect(within(after), describeRun(outcome)).toEqual(within(before));
          // The home itself (and the link to it) keeps its mode; only its entries change.
          expect(after[realHome]).toBe(before[realHome]);
          expect(after[join(root, "link-home")]).toBe(before[join(root, "link-home")]);
        }),
      ),
      { numRuns: 60 },
    );
  });
});

function describeRun(outcome: RecoverResult | Error): string {
  if (outcome instanceof Error) return `threw ${outcome.name}: ${outcome.message}`;
  const steps = outcome.steps.map((step) => `${step.id}(${step.status}) ${step.path ?? ""} ${step.to ?? ""}`);
  return `${outcome.result}: ${outcome.reason}; ${steps.join("; ")}`;
}
