import { constants, type Stats } from "node:fs";
import {
  chmod,
  lchown,
  lstat,
  mkdir,
  open,
  readdir,
  readlink,
  realpath,
  rename,
  rm,
  stat,
  symlink,
  writeFile,
} from "node:fs/promises";
import { randomBytes } from "node:crypto";
import { basename, dirname, join } from "node:path";
import type { FileInfo, Files } from "../context";

/** A file hpiam could not read, with the errno code a message is built from. */
export class FileError extends Error {
  constructor(
    readonly code: string,
    readonly path: string,
  ) {
    super(`${path}: ${code}`);
  }
}

const DEFAULT_MAX_BYTES = 4 * 1024 * 1024;

export function createFiles(): Files {
  return {
    async readText(path, { maxBytes = DEFAULT_MAX_BYTES, encoding = "utf8" } = {}) {
      // O_NONBLOCK keeps a FIFO planted where a file should be from hanging the read.
      const handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK).catch(rethrow(path));
      try {
        const info = await handle.stat();
        if (info.isDirectory()) throw new FileError("EISDIR", path);
        if (!info.isFile()) throw new FileError("ENOTFILE", path);
        if (info.size > maxBytes) throw new FileError("EFBIG", path);
        return await handle.readFile({ encoding });
      } finally {
        await handle.close();
      }
    },
    stat: (path) => describe(stat(path)),
    lstat: (path) => describe(lstat(path)),
    readdir: (path) => readdir(path).catch(rethrow(path)),
    readlink: (path) => readlink(path),
    realpath: (path) => realpath(path),
    rename: (from, to) => rename(from, to),
    remove: (path) => rm(path, { recursive: true, force: true }),
    mkdir: async (path, mode) => {
      await mkdir(path, { mode, recursive: true });
    },
    chmod: (path, mode) => chmod(path, mode),
    writeText: (path, content, mode) => writeFile(path, content, { mode }),
    replaceAtomically: async (path, content, mode) => {
      // Hidden and ending in .tmp: whoever lists the directory for `*.prom` (node_exporter) never picks it up.
      const temporary = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString("hex")}.tmp`);
      const handle = await open(temporary, "wx", mode);
      const written = handle
        .writeFile(content)
        .then(() => handle.chmod(mode))
        .then(() => handle.sync())
        .finally(() => handle.close());
      await written.catch(removeAndThrow(temporary));
      await rename(temporary, path).catch(removeAndThrow(temporary));
    },
    createExclusive: async (path, content, mode, owner) => {
      const handle = await open(path, "wx", mode).catch(absentOnly);
      if (!handle) return false;
      // A full disk lets the file be created and then refuses its content: an empty file must not stay behind.
      const written = (owner ? handle.chown(owner.uid, owner.gid) : Promise.resolve())
        .then(() => handle.writeFile(content))
        .finally(() => handle.close());
      await written.catch(removeAndThrow(path));
      return true;
    },
    createSymlink: async (target, path, owner) => {
      if ((await symlink(target, path).then(() => true, absentOnly)) === undefined) return false;
      if (owner) await lchown(path, owner.uid, owner.gid).catch(removeAndThrow(path));
      return true;
    },
    chmodDirectory: async (path, mode) => {
      const handle = await open(path, constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW);
      await handle.chmod(mode).finally(() => handle.close());
    },
  };
}

async function describe(pending: Promise<Stats>): Promise<FileInfo | undefined> {
  try {
    const info = await pending;
    const kind = info.isSymbolicLink()
      ? "symlink"
      : info.isDirectory()
        ? "directory"
        : info.isFile()
          ? "file"
          : "other";
    return {
      kind,
      mode: info.mode & 0o7777,
      uid: info.uid,
      gid: info.gid,
      size: info.size,
      modifiedMs: info.mtimeMs,
    };
  } catch (error) {
    if (
      (error as NodeJS.ErrnoException).code === "ENOENT" ||
      (error as NodeJS.ErrnoException).code === "ENOTDIR"
    )
      return undefined;
    throw error;
  }
}

/** EEXIST is an answer (something is there already): undefined; any other error stays one. */
function absentOnly(error: NodeJS.ErrnoException): undefined {
  if (error.code === "EEXIST") return undefined;
  throw error;
}

/** What was created is removed again when it could not be made whole. */
function removeAndThrow(path: string) {
  return async (error: unknown): Promise<never> => {
    await rm(path, { force: true });
    throw error;
  };
}

function rethrow(path: string) {
  return (error: NodeJS.ErrnoException): never => {
    throw new FileError(error.code ?? "EIO", path);
  };
}
