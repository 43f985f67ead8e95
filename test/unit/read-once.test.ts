import { describe, expect, it } from "vitest";
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
