import fc from "fast-check";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { RecoverOptions } from "../../src/recover/types";
import type { PasswdEntry } from "../../src/context";
import { UsageError } from "../../src/errors";
import { PROC_MOUNTS } from "../../src/node/home-mount";
import { LEAKED_KEY_ID as KEY_ID, credentialsFor } from "../support/real-home";
import { attempt, inTempRoot, onDisk } from "../support/recover-on-disk";

describe("hpiam recover --user NAME", () => {
  const DIRECTORY = ["u", "other", "alice@corp.example.com", "bob.smith", "svc$", "CORP\\carol"];
  const names = fc.oneof(
    fc.constantFrom(...DIRECTORY),
    fc
      .tuple(
        fc.constantFrom("", "../", "./", "/", "~", " ", "-"),
        fc.constantFrom(...DIRECTORY, "h1", "homes", ".."),
        fc.constantFrom("", "/", "/..", "/.aws", "\n", "\0", ":x:0:0::/:"),
      )
      .map((parts) => parts.join("")),
    fc.constantFrom(
      "",
      ".",
      "..",
      "/",
      "1001",
      "0",
      "ALICE@CORP.EXAMPLE.COM",
      "alice@corp.example.com/../..",
    ),
    fc.string({ unit: "binary", maxLength: 24 }),
  );

  /** getent-like: exact names, AD names without regard to case (SSSD), and numeric uids. */
  function lookupIn(entries: PasswdEntry[], asked: Array<PasswdEntry | undefined>) {
    return async (name: string) => {
      const entry = entries.find(
        (candidate) =>
          candidate.name === name ||
          (name.includes("@") && candidate.name.toLowerCase() === name.toLowerCase()) ||
          String(candidate.uid) === name,
      );
      asked.push(entry);
      return entry;
    };
  }

  it("refuses a name (exit 2) or resolves it through the user database, never into a path", async () => {
    await inTempRoot(async (root) => {
      // System files every survey reads, whoever it is for: the only paths allowed outside the homes.
      const baseline = onDisk(join(root, "nowhere"), []);
      await attempt({ dryRun: true }, baseline.ctx);
      // And the mount table, read for a home the run changes: a shared one reaches other nodes.
      const systemPaths = new Set([
        ...baseline.touched.filter((path) => !path.startsWith(`${root}/`)),
        PROC_MOUNTS,
      ]);

      await fc.assert(
        fc.asyncProperty(
          names,
          fc.constantFrom(0, 1000),
          fc.constantFrom<RecoverOptions>({ dryRun: true }, { yes: true, reboot: false }),
          (name, uid, options) =>
            inTempRoot(async (dir) => {
              const entries = DIRECTORY.map((user, i) => ({
                name: user,
                uid: 1000 + i,
                gid: 1000 + i,
                home: join(dir, "homes", `h${i}`),
                shell: "/bin/bash",
              }));
              for (const entry of entries) {
                await mkdir(join(entry.home, ".aws"), { recursive: true });
                await writeFile(join(entry.home, ".aws", "credentials"), credentialsFor(KEY_ID), {
                  mode: 0o600,
                });
              }
              const asked: Array<PasswdEntry | undefined> = [];
              const { ctx, touched, changes } = onDisk(entries[0]?.home ?? "", entries, uid);
              const run = { ...ctx, user: { ...ctx.user, uid, lookup: lookupIn(entries, asked) } };
              const outcome = await attempt({ ...options, user: name }, run);

              if (outcome instanceof Error) {
                expect(outcome).toBeInstanceOf(UsageError);
                expect((outcome as UsageError).exitCode).toBe(2);
                expect(changes).toEqual([]);
                return;
              }
              const [target] = outcome.users;
              const entry = asked.find((found) => found?.home === target?.home);
              expect(entry, `--user ${JSON.stringify(name)} surveyed ${target?.home}`).toBeDefined();
              expect(target?.user).toBe(entry?.name);
              if (uid !== 0) expect(entry?.name).toBe("u");
              const home = entry?.home ?? "";
              const inside = (path: string) => path === home || path.startsWith(`${home}/`);
              const strays = touched.filter((path) => !inside(path) && !systemPaths.has(path));
              expect(strays, `--user ${JSON.stringify(name)}`).toEqual([]);
              expect(changes.filter((change) => change.parent !== home)).toEqual([]);
            }),
        ),
        { numRuns: 60 },
      );
    });
  });
});
