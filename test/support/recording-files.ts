import { lstat, realpath } from "node:fs/promises";
import { dirname } from "node:path";
import type { Files } from "../../src/context";

/** The Files operations that change something on disk. */
export const CHANGING: ReadonlySet<keyof Files> = new Set<keyof Files>([
  "rename",
  "remove",
  "mkdir",
  "chmod",
  "chmodDirectory",
  "writeText",
  "replaceAtomically",
  "createExclusive",
  "createSymlink",
]);
/** Changes that act on what a symlink at the path points to, not on the link itself. */
const FOLLOWING = new Set<keyof Files>(["mkdir", "chmod", "writeText"]);

type Call = (...args: unknown[]) => Promise<unknown>;

/** Files whose every operation goes through `around`, which decides whether (and when) the real one runs. */
export function interceptFiles(
  real: Files,
  around: (operation: keyof Files, args: unknown[], call: () => Promise<unknown>) => Promise<unknown>,
): Files {
  return Object.fromEntries(
    Object.entries(real).map(([operation, call]) => [
      operation,
      (...args: unknown[]) => around(operation as keyof Files, args, () => (call as Call)(...args)),
    ]),
  ) as unknown as Files;
}

export interface FileChange {
  operation: string;
  path: string;
  /** realpath(2) of the path's directory when the call was made; undefined when it did not resolve. */
  parent: string | undefined;
  /** lstat kind of the path when the call was made, for the operations that follow a symlink there. */
  kindBefore?: string;
}

/**
 * The real Files, recording the path of every call (`touched`) and, for each change, where it really landed
 * (`changes`: one entry per path, so a rename gives two), as seen at the moment of the call.
 */
export function recordingFiles(real: Files): { files: Files; touched: string[]; changes: FileChange[] } {
  const touched: string[] = [];
  const changes: FileChange[] = [];
  const record = async (operation: keyof Files, path: string): Promise<void> => {
    const parent = await realpath(dirname(path)).catch(() => undefined);
    const change: FileChange = { operation, path, parent };
    if (FOLLOWING.has(operation)) {
      const info = await lstat(path).catch(() => undefined);
      change.kindBefore = info === undefined ? "absent" : info.isSymbolicLink() ? "symlink" : "other";
    }
    changes.push(change);
  };
  const files = interceptFiles(real, async (operation, args, call) => {
    // rename(from, to) changes two paths; createSymlink(target, path) one, its second argument.
    const paths = (
      operation === "rename"
        ? args.slice(0, 2)
        : operation === "createSymlink"
          ? args.slice(1, 2)
          : args.slice(0, 1)
    ) as string[];
    touched.push(...paths);
    if (CHANGING.has(operation)) for (const path of paths) await record(operation, path);
    return call();
  });
  return { files, touched, changes };
}
