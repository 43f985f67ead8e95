import { createHash } from "node:crypto";
import { lstat, readdir, readFile, readlink } from "node:fs/promises";
import { join } from "node:path";

/**
 * Every entry under `dir` (itself included) as `path → kind mode owner link-target-or-content-hash`, read with
 * lstat so that no symlink is followed. Directories in `opaque` are listed themselves but not walked into.
 */
export async function treeSnapshot(
  dir: string,
  opaque: readonly string[] = [],
): Promise<Record<string, string>> {
  const found: Record<string, string> = {};
  const walk = async (path: string): Promise<void> => {
    const info = await lstat(path);
    const mode = `${(info.mode & 0o7777).toString(8)} ${info.uid}`;
    if (info.isSymbolicLink()) found[path] = `symlink ${mode} -> ${await readlink(path)}`;
    else if (info.isFile()) {
      found[path] = `file ${mode} ${createHash("sha256")
        .update(await readFile(path))
        .digest("hex")}`;
    } else if (info.isDirectory()) {
      found[path] = `directory ${mode}`;
      if (opaque.includes(path)) return;
      for (const name of (await readdir(path)).sort()) await walk(join(path, name));
    } else found[path] = `other ${mode}`;
  };
  await walk(dir);
  return found;
}
