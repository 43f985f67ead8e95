import type { Context } from "../context";
import {
  type LoginShell,
  loginShellOf,
  type PamFile,
  readLoginShell,
  type ShellStartup,
  unexportedShells,
} from "./model/login-shell";
import { pamEnvFiles } from "./model/pam-environment";
import type { StartupExport } from "./model/shell-exports";
import type { ParsedFile, StartupFiles } from "./model/shell-reader";
import { globToRegExp, hasGlob, named, type ShellNode } from "./model/shell-syntax";
import { prescanStartupFile } from "./model/startup-prescan";
import type { Dialect } from "./model/shell-words";
import { zshForBashGrammar } from "./model/zsh-syntax";
import type { BashParser } from "../system/bash-parser";
import { tryRemovals } from "./startup-fix-trial";

export type ExportFinding = StartupExport;

/**
 * What a new shell of the user exports (file:line), the statements hpiam cannot decide (file:line, why), and each
 * new shell's environment (the machine's files always count there; `system` only says whose statements are listed).
 */
export type StartupReading = Pick<ShellStartup, "exports" | "undecided" | "shells">;

const MAX_BYTES = 1024 * 1024;
/** More files than a node's shells read: past this many, the pre-pass leaves it to the parser. */
const MAX_PRESCAN_FILES = 256;
/** How many prefixes of a file with a syntax error are checked to find where the shell stops reading it. */
const MAX_SYNTAX_TRIES = 12;

/**
 * Where the system files are: /etc, or (for tests only, so that they need not touch this machine's /etc)
 * the folder HPIAM_ETC_DIR names. Paths under /etc that the files mention are read from there too.
 */
function systemPaths(ctx: Context): (path: string) => string {
  const etc = ctx.env.HPIAM_ETC_DIR;
  return (path) => (etc && (path === "/etc" || path.startsWith("/etc/")) ? etc + path.slice(4) : path);
}

/** Text as the shell reading holds it, one character a byte, and back. */
const asBytes = (text: string) => Buffer.from(text, "utf8").toString("latin1");
const fromBytes = (text: string) => Buffer.from(text, "latin1").toString("utf8");

/**
 * `file:line` of every statement that makes a new login shell of this home's user export AWS_* variables, as
 * bash or zsh would read its startup files (parsed, never run), and of every one whose effect hpiam cannot
 * decide. `user`: whose login shell (the user database's shell field) says which shell; unknown, both are read.
 * Without `system`, only what is in the home's own files.
 */
export async function readShellStartup(
  ctx: Context,
  home: string,
  { system = true, user, shell }: { system?: boolean; user?: string; shell?: string } = {},
): Promise<StartupReading> {
  const login = loginShellOf(shell ?? (user === undefined ? undefined : await lookUpShell(ctx, user)));
  const pam = await readPamFiles(ctx, home);
  // No file can export an AWS_* variable: the parser (a WebAssembly compile) is not even loaded.
  if (await nothingToParse(ctx, home, login, pam))
    return { exports: [], undecided: [], shells: unexportedShells(login) };
  // Loaded here only: whoami never pays for the parser.
  const { loadBashParser } = await import("../system/bash-parser");
  const reading = new StartupFileSet(ctx, await loadBashParser());
  try {
    // `overlay`: files read as if they held this text instead (a removal tried on a copy).
    const read = (overlay?: ReadonlyMap<string, string>) =>
      readLoginShell(reading.files(overlay), asBytes(home), {
        shell: login,
        pam: pam.map((file) => ({ ...file, text: overlay?.get(file.path) ?? file.text })),
      });
    const found = await read();
    const own = (path: string) => system || path.startsWith(`${home}/`);
    const exports = found.exports.filter((hit) => own(hit.path));
    return {
      exports: await tryRemovals(ctx, { ...found, exports }, reading, read),
      undecided: found.undecided.filter((form) => own(form.path)),
      shells: found.shells,
    };
  } finally {
    reading.dispose();
  }
}

/** The files pam_env reads for a login of this home's user, as the machine's /etc/pam.d sets it up. */
async function readPamFiles(ctx: Context, home: string): Promise<PamFile[]> {
  const where = systemPaths(ctx);
  const readText = (path: string) => ctx.files.readText(path, { maxBytes: MAX_BYTES }).catch(() => undefined);
  const dir = where("/etc/pam.d");
  const names = await ctx.files.readdir(dir).catch(() => undefined);
  const services =
    names &&
    (await Promise.all(names.map((name) => readText(`${dir}/${name}`)))).filter(
      (text): text is string => text !== undefined,
    );
  const { conf, env, user } = pamEnvFiles(services);
  const wanted = [
    ...conf.map((path) => ({ path: where(path), format: "conf" as const })),
    ...env.map((path) => ({ path: where(path), format: "env" as const })),
    ...user.map((name) => ({ path: `${home}/${name}`, format: "conf" as const })),
  ];
  const files = await Promise.all(
    wanted.map(async ({ path, format }) => ({ path, format, text: await readText(path) })),
  );
  return files.filter((file): file is PamFile => file.text !== undefined);
}

/**
 * Whether no file a new shell of this home's user may read (bash's and zsh's, whichever the user logs in with,
 * and every file they source) could make it export an AWS_* variable, by the pre-pass of
 * src/shell/model/startup-prescan.ts. Anything it cannot read or tell goes to the parser.
 */
async function nothingToParse(
  ctx: Context,
  home: string,
  login: LoginShell,
  pam: readonly PamFile[],
): Promise<boolean> {
  if (pam.some((file) => /aws/i.test(file.text))) return false;
  // Paths are kept as the reader keeps them (one character a byte): a home beyond ASCII is left to it.
  if (!/^[\x20-\x7e]*$/.test(home)) return false;
  const where = systemPaths(ctx);
  const bash = [
    "/etc/profile",
    "/etc/bash.bashrc",
    ...[".bash_profile", ".bash_login", ".profile", ".bashrc"].map((name) => `${home}/${name}`),
  ];
  const zsh = ["zshenv", "zprofile", "zshrc", "zlogin"].flatMap((name) => [
    `/etc/zsh/${name}`,
    `${home}/.${name}`,
  ]);
  // Each shell's own files (readLoginShell's), all of them: which of them it reads is for the reader to tell.
  const queue = [...(login !== "zsh" ? bash : []), ...(login !== "bash" ? zsh : [])];
  const seen = new Set<string>();
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    const paths = await globbed(ctx, where, next);
    if (paths === undefined) return false;
    for (const path of paths) {
      // The reader leaves package data out (see StartupFileSet.files).
      if (seen.has(path) || path.startsWith("/usr/share/")) continue;
      seen.add(path);
      if (seen.size > MAX_PRESCAN_FILES) return false;
      const text = await ctx.files.readText(where(path), { maxBytes: MAX_BYTES, encoding: "latin1" }).then(
        (read) => read,
        (error: { code?: string }) => (error.code === "ENOENT" || error.code === "ENOTDIR" ? "" : undefined),
      );
      if (text === undefined) return false;
      const scan = prescanStartupFile(text, home);
      if (!scan.clean) return false;
      queue.push(...scan.sources);
    }
  }
  return true;
}

/** A path, or the files a glob in its last part matches (and the pattern itself); undefined: cannot tell. */
async function globbed(
  ctx: Context,
  where: (path: string) => string,
  path: string,
): Promise<string[] | undefined> {
  if (!/^[\x20-\x7e]*$/.test(path)) return undefined;
  if (!hasGlob(path)) return [path];
  const slash = path.lastIndexOf("/");
  const [dir, pattern] = [path.slice(0, slash), path.slice(slash + 1)];
  if (hasGlob(dir)) return undefined;
  const names = await ctx.files.readdir(where(dir)).then(
    (found) => found,
    (error: { code?: string }) => (error.code === "ENOENT" || error.code === "ENOTDIR" ? [] : undefined),
  );
  if (names === undefined) return undefined;
  const matches = globToRegExp(pattern);
  return [path, ...names.filter((name) => matches.test(name)).map((name) => `${dir}/${name}`)];
}

async function lookUpShell(ctx: Context, user: string): Promise<string | undefined> {
  return (await ctx.user.lookup(user).catch(() => undefined))?.shell;
}

/** The files of one reading: each parsed once (per shell), whatever reads it; trees freed at the end. */
class StartupFileSet {
  private readonly trees: Array<{ dispose(): void }> = [];
  private readonly parsed = new Map<string, Promise<ParsedFile | { unreadable: string } | undefined>>();
  /** Which shells read each file (its syntax is theirs). */
  readonly dialects = new Map<string, Set<Dialect>>();
  readonly where: (path: string) => string;

  constructor(
    private readonly ctx: Context,
    private readonly parser: BashParser,
  ) {
    this.where = systemPaths(ctx);
  }

  files(overlay?: ReadonlyMap<string, string>): StartupFiles {
    const { ctx, where } = this;
    return {
      load: (path, dialect) => {
        const real = this.where(fromBytes(path));
        // Package data (bash-completion under /usr/share, ~100 KB) sets no keys; /usr/local and /opt are read.
        if (real.startsWith("/usr/share/")) return Promise.resolve(undefined);
        this.dialects.set(real, new Set([...(this.dialects.get(real) ?? []), dialect]));
        const text = overlay?.get(real);
        if (text !== undefined) return this.prepare(real, text, dialect);
        const key = `${dialect}\0${real}`;
        const file = this.parsed.get(key) ?? this.loadFile(real, dialect);
        this.parsed.set(key, file);
        return file;
      },
      parse: (text, dialect) => this.parse(text, dialect).root,
      async probe(path) {
        const info = await ctx.files.stat(where(fromBytes(path))).catch(() => "unknown" as const);
        if (info === undefined || info === "unknown") return info;
        const kind = info.kind === "file" || info.kind === "directory" ? info.kind : "other";
        return { kind, size: info.size, mode: info.mode };
      },
      list: async (dir) => {
        const names = await ctx.files.readdir(this.where(fromBytes(dir))).catch(() => undefined);
        return names?.map(asBytes);
      },
    };
  }

  dispose(): void {
    for (const tree of this.trees) tree.dispose();
  }

  private async loadFile(
    real: string,
    dialect: Dialect,
  ): Promise<ParsedFile | { unreadable: string } | undefined> {
    let text: string;
    try {
      text = await this.ctx.files.readText(real, { maxBytes: MAX_BYTES, encoding: "latin1" });
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === "EFBIG")
        return { unreadable: "it is larger than the 1 MiB hpiam reads of a startup file" };
      if (code === "ENOTFILE") return { unreadable: "it is not a regular file" };
      // As the user itself, a file it may not read is one its shell does not read either.
      if (code === "EACCES" && this.ctx.user.uid === 0)
        return { unreadable: "root may not read it (permission denied)" };
      return undefined;
    }
    return this.prepare(real, text, dialect);
  }

  /** A file's text parsed, and where the grammar finds an error, where the shell stops reading it. */
  private async prepare(real: string, text: string, dialect: Dialect): Promise<ParsedFile> {
    const file = this.parseFile(real, text, dialect);
    if (!file.root.hasError) return file;
    const { stopsAtRow, unchecked } = await this.syntax(text, dialect, file.root);
    if (unchecked !== undefined) return { ...file, unchecked };
    if (stopsAtRow === undefined) return file;
    // What runs is what the shell accepted: read again alone, so that the grammar sees no error after it.
    const runs = file.lines.slice(0, stopsAtRow).join("\n");
    return { ...file, root: this.parse(runs, dialect).root, stopsAtRow };
  }

  private parseFile(real: string, text: string, dialect: Dialect): ParsedFile {
    return { path: real, root: this.parse(text, dialect).root, lines: text.split("\n") };
  }

  private parse(text: string, dialect: Dialect): { root: ShellNode } {
    const tree = this.parser.parse(dialect === "zsh" ? zshForBashGrammar(text) : text);
    this.trees.push(tree);
    return tree;
  }

  /**
   * Text the grammar could not read: the shell's own syntax check (`bash -n`, `zsh -n`, which run nothing)
   * says whether it is a syntax error, and where the shell stops reading the file: after the longest run of
   * whole statements it accepts.
   */
  private async syntax(
    text: string,
    dialect: Dialect,
    root: ShellNode,
  ): Promise<{ stopsAtRow?: number; unchecked?: string }> {
    const accepts = async (source: string) => {
      const run = await this.ctx.exec.run([dialect, "-n"], { input: source, timeoutMs: 5000 });
      if (run.timedOut) throw new Error("timed out");
      return run.exitCode === 0;
    };
    try {
      if (await accepts(text)) return {};
      const lines = text.split("\n");
      // Where statements end, also inside what the grammar could not read as a whole.
      const statements = named(root).flatMap((node) => (node.type === "ERROR" ? named(node) : [node]));
      const ends = [...new Set(statements.map((statement) => statement.endPosition.row))].sort(
        (a, b) => b - a,
      );
      for (const row of ends.slice(0, MAX_SYNTAX_TRIES)) {
        if (await accepts(`${lines.slice(0, row + 1).join("\n")}\n`)) return { stopsAtRow: row + 1 };
      }
      if (ends.length <= MAX_SYNTAX_TRIES) return { stopsAtRow: 0 };
      return { unchecked: `${dialect} stops at a syntax error hpiam could not place` };
    } catch {
      return { unchecked: `${dialect} could not check the file's syntax` };
    }
  }
}
