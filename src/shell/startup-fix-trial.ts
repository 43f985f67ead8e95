import type { Context } from "../context";
import { startupFileFix } from "../recover/model/manual-fixes";
import type { ShellStartup } from "./model/login-shell";
import type { StartupExport } from "./model/shell-exports";
import type { Dialect } from "./model/shell-words";

/**
 * Each file's removal command, tried before it is printed: the same `sed` runs on a copy of the file, and the
 * copy must still be valid shell (where the file was), export none of the names, and leave every other
 * variable exported as before. A command that fails any of that is not printed: the file is to be edited by
 * hand, and the findings say why. A symbolic link is edited where it points (`sed -i` would replace the link).
 */
export async function tryRemovals(
  ctx: Context,
  found: ShellStartup,
  files: { dialects: ReadonlyMap<string, ReadonlySet<Dialect>> },
  read: (overlay: ReadonlyMap<string, string>) => Promise<ShellStartup>,
): Promise<StartupExport[]> {
  const byFile = new Map<string, StartupExport[]>();
  for (const hit of found.exports) byFile.set(hit.path, [...(byFile.get(hit.path) ?? []), hit]);
  const tried = await Promise.all(
    [...byFile].map(async ([path, lines]) => {
      if (lines.some((line) => line.removal.kind === "by-hand")) return lines;
      const target = await ctx.files.realpath(path).catch(() => path);
      const linked = target === path ? lines : lines.map((line) => ({ ...line, editPath: target }));
      const why = await tryOnCopy(ctx, {
        path,
        target,
        lines,
        found,
        dialects: files.dialects.get(path),
        read,
      });
      return why === undefined
        ? linked
        : linked.map((line) => ({ ...line, removal: { kind: "by-hand" as const, why } }));
    }),
  );
  return tried.flat();
}

/** Why the file's removal command cannot be printed, or undefined when it does what it must on a copy. */
async function tryOnCopy(
  ctx: Context,
  trial: {
    path: string;
    target: string;
    lines: readonly StartupExport[];
    found: ShellStartup;
    dialects: ReadonlySet<Dialect> | undefined;
    read: (overlay: ReadonlyMap<string, string>) => Promise<ShellStartup>;
  },
): Promise<string | undefined> {
  const { path, target, lines, found, dialects, read } = trial;
  const made = await ctx.exec.run(["mktemp", "-d"]).catch(() => undefined);
  const dir = made?.exitCode === 0 ? made.stdout.trim() : "";
  if (!dir.startsWith("/")) return "hpiam could not make a copy of the file to try its sed command on";
  try {
    const copy = `${dir}/copy`;
    if ((await ctx.exec.run(["cp", "--", target, copy])).exitCode !== 0)
      return "hpiam could not make a copy of the file to try its sed command on";
    // The findings as read, without the link's target: the command edits the copy.
    const command = startupFileFix(copy, lines).command;
    const sed = await ctx.exec.run(["sh", "-c", command]);
    if (sed.exitCode !== 0)
      return `its sed command fails on a copy (${sed.stderr.trim().split("\n")[0] ?? ""})`;
    for (const dialect of dialects ?? []) {
      const [before, after] = await Promise.all(
        [target, copy].map(async (file) => (await ctx.exec.run([dialect, "-n", file])).exitCode === 0),
      );
      if (before && !after) return `its sed command leaves a file ${dialect} cannot read`;
    }
    const text = await ctx.files.readText(copy, { encoding: "latin1" });
    const again = await read(new Map([[path, text]]));
    const still = again.exports.filter(
      (hit) => hit.path === path && lines.some((line) => line.variable === hit.variable),
    );
    if (still.length > 0) return `a copy edited by its sed command still exports ${still[0]?.variable ?? ""}`;
    const lost = found.otherExports.filter((name) => !again.otherExports.includes(name));
    if (lost.length > 0) return `its sed command would also stop ${lost.join(", ")} from being exported`;
    return undefined;
  } catch (error) {
    return `hpiam could not try its sed command on a copy (${error instanceof Error ? error.message : String(error)})`;
  } finally {
    await ctx.files.remove(dir).catch(() => undefined);
  }
}
