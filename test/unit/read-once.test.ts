import { describe, expect, it } from "vitest";
import { diagnose } from "../../src/diagnose/diagnose";
import { readingOnce } from "../../src/shell/read-once";
import { fakeContext } from "../support/fake-context";
import { memoryFiles } from "../support/memory-files";

/** A context over files in memory that counts the reads of each path. */
function countingContext(initial: Record<string, string>) {
  const memory = memoryFiles(initial);
  const reads: string[] = [];
  const ctx = fakeContext();
  const files = {
    ...ctx.files,
    ...memory,
    readText: (path: string, options?: { maxBytes?: number; encoding?: "utf8" | "latin1" }) => {
      reads.push(path);
      return memory.readText?.(path, options) ?? Promise.reject(new Error("no readText"));
    },
    readdir: async (path: string) => {
      reads.push(path);
      return [...memory.store.keys()]
        .filter((held) => held.startsWith(`${path}/`))
        .map((held) => held.slice(path.length + 1));
    },
  };
  return { ctx: { ...ctx, files }, memory, reads };
}

describe("readingOnce", () => {
  it("reads each file and folder once however many homes' readings ask, and each run reads them again", async () => {
    const { ctx, memory, reads } = countingContext({
      "/etc/profile": "umask 022\n",
      "/etc/pam.d/su": "auth x\n",
    });
    const run = readingOnce(ctx);
    const texts = await Promise.all([1, 2, 3].map(() => run.files.readText("/etc/profile")));
    const folders = await Promise.all([1, 2].map(() => run.files.readdir("/etc/pam.d")));
    const missing = await Promise.all(
      [1, 2].map(() =>
        run.files.readText("/etc/bash.bashrc").catch((error: { code?: string }) => error.code),
      ),
    );
    expect(texts).toEqual(["umask 022\n", "umask 022\n", "umask 022\n"]);
    expect(folders).toEqual([["su"], ["su"]]);
    expect(missing).toEqual(["ENOENT", "ENOENT"]);
    expect(reads).toEqual(["/etc/profile", "/etc/pam.d", "/etc/bash.bashrc"]);

    // A later run (recover's check after a change) sees the file as it is now.
    memory.store.set("/etc/profile", "umask 027\n");
    expect(await readingOnce(ctx).files.readText("/etc/profile")).toBe("umask 027\n");
  });

  it("keeps reads with other limits or encodings apart, and gives each caller its own list", async () => {
    const { ctx, reads } = countingContext({ "/etc/profile": "umask 022\n" });
    const run = readingOnce(ctx);
    await run.files.readText("/etc/profile", { encoding: "latin1" });
    await run.files.readText("/etc/profile", { encoding: "latin1", maxBytes: 1024 });
    await run.files.readText("/etc/profile");
    const first = await run.files.readdir("/etc");
    first.push("changed by a caller");
    expect(await run.files.readdir("/etc")).toEqual(["profile"]);
    expect(reads).toEqual(["/etc/profile", "/etc/profile", "/etc/profile", "/etc"]);
  });
});

describe("one diagnose run", () => {
  it("reads each startup file once, however many checks and homes read it", async () => {
    const { ctx: counting, reads } = countingContext({
      "/etc/profile": "umask 022\n",
      "/etc/bash.bashrc": "PS1='$ '\n",
      "/root/.bashrc": "alias ll='ls -l'\n",
      "/home/ubuntu/.bashrc": "export EDITOR=vim\n",
    });
    const base = fakeContext({
      uid: 0,
      users: [
        { name: "root", uid: 0, gid: 0, home: "/root", shell: "/bin/bash" },
        { name: "ubuntu", uid: 1000, gid: 1000, home: "/home/ubuntu", shell: "/bin/bash" },
      ],
    });
    const ctx = {
      ...base,
      user: { ...base.user, uid: 0, name: "root", home: "/root" },
      env: { HOME: "/root" },
      files: {
        ...counting.files,
        stat: async (path: string) =>
          ["/root", "/home/ubuntu"].includes(path)
            ? { kind: "directory" as const, mode: 0o755, uid: 0, gid: 0, size: 0 }
            : undefined,
      },
    };
    const report = await diagnose({ allUsers: true, checks: "environment,other-users" }, ctx);
    expect(report.checks.map((check) => [check.id, check.status])).toEqual([
      ["environment", "pass"],
      ["other-users", "pass"],
    ]);
    for (const path of ["/etc/profile", "/etc/bash.bashrc", "/root/.bashrc"])
      expect(
        reads.filter((read) => read === path),
        path,
      ).toHaveLength(1);
  });
});
