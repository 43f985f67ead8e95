import type { Context } from "../context";
import { readLoginShell } from "../domain/login-shell";
import type { StartupExport } from "../domain/shell-exports";
import type { StartupFiles } from "../domain/shell-reader";

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
  { system = true }: { system?: boolean } = {},
): Promise<ExportFinding[]> {
  const where = systemPaths(ctx);
  // Loaded here only: whoami never pays for the parser.
  const { loadBashParser } = await import("../system/bash-parser");
  const parser = await loadBashParser();
  const trees: Array<{ dispose(): void }> = [];
  const read = (path: string) =>
    ctx.files.readText(where(path), { maxBytes: MAX_BYTES }).catch(() => undefined);
  const files: StartupFiles = {
    async load(path) {
      const text = await read(path);
      if (text === undefined) return undefined;
      const parsed = parser.parse(text);
      trees.push(parsed);
      return { path: where(path), root: parsed.root, lines: text.split("\n") };
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
    return system ? found : found.filter((hit) => hit.path.startsWith(`${home}/`));
  } finally {
    for (const tree of trees) tree.dispose();
  }
}
