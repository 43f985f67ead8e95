import type { Context } from "../context";
import { readLoginShell, type StartupReading } from "./model/login-shell";
import type { StartupExport } from "./model/shell-exports";
import type { StartupFiles } from "./model/shell-reader";

export type ExportFinding = StartupExport;

const MAX_BYTES = 1024 * 1024;

/**
 * Where bash's system files are: /etc, or (for tests only, so that they need not touch this machine's /etc)
 * the folder HPIAM_ETC_DIR names. Paths under /etc that the files mention are read from there too.
 */
function systemPaths(ctx: Context): (path: string) => string {
  const etc = ctx.env.HPIAM_ETC_DIR;
  return (path) => (etc && (path === "/etc" || path.startsWith("/etc/")) ? etc + path.slice(4) : path);
}

/**
 * `file:line` of every statement that makes a new login shell of this home's user export AWS_* credential
 * variables, as bash would read its startup files (parsed, never run). Without `system`, only the ones in the
 * home's own files.
 */
export async function findShellExports(
  ctx: Context,
  home: string,
  options: { system?: boolean } = {},
): Promise<ExportFinding[]> {
  return (await readStartupFiles(ctx, home, options)).exports;
}

/**
 * The same, and what each new shell of that user has in its environment (the machine's files always count
 * there; `system` only says whose statements are listed).
 */
export async function readStartupFiles(
  ctx: Context,
  home: string,
  { system = true }: { system?: boolean } = {},
): Promise<StartupReading> {
  const where = systemPaths(ctx);
  // Loaded here only: whoami never pays for the parser.
  const { loadBashParser } = await import("../system/bash-parser");
  const parser = await loadBashParser();
  const trees: Array<{ dispose(): void }> = [];
  const read = (path: string) =>
    ctx.files.readText(where(path), { maxBytes: MAX_BYTES }).catch(() => undefined);
  const parse = async (path: string) => {
    const text = await read(path);
    if (text === undefined) return undefined;
    const tree = parser.parse(text);
    trees.push(tree);
    return { path: where(path), root: tree.root, lines: text.split("\n") };
  };
  // Each file is parsed once, however many of the shells read it.
  const parsed = new Map<string, ReturnType<StartupFiles["load"]>>();
  const files: StartupFiles = {
    load(path) {
      // Package data (bash-completion under /usr/share, ~100 KB) sets no keys; /usr/local and /opt are read.
      if (path.startsWith("/usr/share/")) return Promise.resolve(undefined);
      const file = parsed.get(where(path)) ?? parse(path);
      parsed.set(where(path), file);
      return file;
    },
    async probe(path) {
      const info = await ctx.files.stat(where(path)).catch(() => "unknown" as const);
      if (info === undefined || info === "unknown") return info;
      const kind = info.kind === "file" || info.kind === "directory" ? info.kind : "other";
      return { kind, size: info.size, mode: info.mode };
    },
    list: (dir) => ctx.files.readdir(where(dir)).catch(() => undefined),
  };
  try {
    const environment = await read("/etc/environment");
    const found = await readLoginShell(
      files,
      home,
      environment === undefined ? undefined : { path: where("/etc/environment"), text: environment },
    );
    return system
      ? found
      : { ...found, exports: found.exports.filter((hit) => hit.path.startsWith(`${home}/`)) };
  } finally {
    for (const tree of trees) tree.dispose();
  }
}
