import { commandRemoval, embeddedRemoval } from "./export-removal";
import { runAssignment, runDeclaration } from "./shell-assignments";
import { callAutoloaded, runBuiltin } from "./shell-builtins";
import { readGap } from "./shell-gaps";
import { runCompound } from "./shell-compound";
import type { UndecidedForm } from "./shell-exports";
import type { Origin, Removal, ShellState } from "./shell-state";
import { fields, globToRegExp, hasGlob, named, not, type ShellNode, type Tri, tokens } from "./shell-syntax";
import { type FileProbe, evaluateTest } from "./shell-test";
import { type Dialect, expandLiteral, expandWord, knownPrefix } from "./shell-words";

export interface ParsedFile {
  /** The path it was read from (what findings and removal commands name). */
  path: string;
  root: ShellNode;
  /** Its lines, one character a byte, so that columns are the byte columns `sed` counts. */
  lines: string[];
  /** The shell stops reading the file at a syntax error: statements that end on this row or later never run. */
  stopsAtRow?: number;
  /** Why text the grammar could not read is not known to be harmless (the shell's own check could not run). */
  unchecked?: string;
}

/** The files a shell reads, seen without running anything. */
export interface StartupFiles {
  /** A file `.` would read, parsed; undefined when it is absent; `unreadable` when it is there but not read. */
  load(path: string, dialect: Dialect): Promise<ParsedFile | { unreadable: string } | undefined>;
  /** Text a command runs as code (eval's, an alias's, a trap's), parsed; freed with the files. */
  parse(text: string, dialect: Dialect): ShellNode;
  probe: FileProbe;
  /** The names in a folder (for a glob); undefined when it cannot be listed. */
  list(dir: string): Promise<string[] | undefined>;
}

export interface Alias {
  /** undefined: text the reading cannot know. */
  text: string | undefined;
}

export interface Frame {
  path: string;
  lines: readonly string[];
  dialect: Dialect;
  inFunction: boolean;
  /** A `return` that may have run: what follows in this file or function may not run. */
  mayHaveReturned: boolean;
  /** Aliases as they were when this code was read (bash and zsh expand them as they parse a line). */
  aliases: ReadonlyMap<string, Alias>;
  /** Code that ran from a string (eval's, an alias's, a trap's): its exports are found and removed there. */
  embedded?: { line: number; removal: Removal };
  /** Why the shell's own syntax check of this file could not run: text the grammar cannot read is undecided. */
  unchecked?: string;
}

export interface Flow {
  frame: Frame;
  certain: boolean;
}

/** A `return` that certainly runs: unwinds to the file or function it returns from. */
class Returned extends Error {}
/** `exit` in a startup file ends the shell: nothing after it runs. */
export class Exited extends Error {}

const MAX_DEPTH = 24;
/**
 * Files, functions and evals entered in one reading, in all: files that source each other twice a level would
 * otherwise be read 2^MAX_DEPTH times. A real node's startup files enter a few dozen.
 */
const MAX_ENTERED = 1024;

/** Variables whose assignments are tracked although hpiam does not report them: they run code, or name files. */
const TRACKED = new Set(["PROMPT_COMMAND", "ZDOTDIR", "precmd_functions"]);

/** Code left to run later (a trap's), with the statement that set it. */
export interface Hook {
  code: string | undefined;
  origin: Origin;
  certain: boolean;
}

/**
 * Walks startup files statement by statement, as bash or zsh would run them, keeping the variables' state. It
 * runs no command: it follows `.`/`source`, functions that are called, aliases, `eval` of text it knows,
 * `if`/`case`/`&&`/`||` and loops; where a condition cannot be decided it reads both ways, so that an export reads
 * as "maybe", never as absent; and what it cannot follow and may set an AWS_* name (a command's output run as
 * code, a name it cannot know) it records as undecided, with the file and line.
 */
export class ShellReader {
  readonly functions = new Map<string, { body: ShellNode; frame: Frame; certain: boolean }>();
  readonly aliases = new Map<string, Alias>();
  /** Code that runs before a prompt or at a signal (`trap`), read after the files. */
  readonly traps: Hook[] = [];
  /** zsh's precmd hooks (`add-zsh-hook precmd f`, `precmd_functions+=(f)`), by function name. */
  readonly precmd = new Set<string>();
  /** zsh: functions `autoload` names, which run a file on $fpath hpiam does not read. */
  readonly autoloaded = new Set<string>();
  /** zsh's RCS and GLOBAL_RCS options: off, zsh reads no further startup files (or no further /etc/zsh ones). */
  readonly zshOptions = { rcs: "yes" as Tri, globalRcs: "yes" as Tri };
  private readonly undecidedForms: UndecidedForm[] = [];
  private mayHaveExited = false;
  private depth = 0;
  private entered = 0;

  constructor(
    readonly files: StartupFiles,
    /** The variables as the statement being read sees them (a branch of them inside an undecided `if`). */
    public state: ShellState,
    readonly watched: (name: string) => boolean,
  ) {}

  /**
   * Runs statements that may not run: they see their own assignments; the shell after sees them as "maybe". A
   * `return` (of `frame`) or `exit` that may have run among them leaves what follows as uncertain.
   */
  async maybe<T>(run: () => Promise<T>, frame?: Frame): Promise<T> {
    const outer = this.state;
    const [exited, returned] = [this.mayHaveExited, frame?.mayHaveReturned];
    this.state = outer.branch();
    try {
      return await run();
    } finally {
      const leaves = (!exited && this.mayHaveExited) || (frame && !returned && frame.mayHaveReturned);
      this.state = leaves ? outer.branch() : outer;
    }
  }

  get undecided(): readonly UndecidedForm[] {
    return this.undecidedForms;
  }

  sure(flow: Flow): boolean {
    return flow.certain && !flow.frame.mayHaveReturned && !this.mayHaveExited;
  }

  /** What the reading cannot decide and may set an AWS_* name: reported with its file and line. */
  undecide(flow: Flow, node: ShellNode | undefined, why: string): void {
    const line = flow.frame.embedded?.line ?? (node ? node.startPosition.row + 1 : 1);
    this.undecideAt({ path: flow.frame.path, line }, why);
  }

  undecideAt({ path, line }: { path: string; line: number }, why: string): void {
    this.undecidedForms.push({ path, line, why });
  }

  /** Where an assignment or export of `name` is and how it goes, if it is one the reading keeps track of. */
  originOf(name: string, node: ShellNode, flow: Flow, removal: () => Removal): Origin | undefined {
    if (!this.watched(name) && !TRACKED.has(name)) return undefined;
    const { embedded } = flow.frame;
    if (embedded) return { path: flow.frame.path, line: embedded.line, removal: embedded.removal };
    return { path: flow.frame.path, line: node.startPosition.row + 1, removal: removal() };
  }

  /** Runs a file as `.` does: "no" when it is not there. `at`: the statement that reads it, if any. */
  async source(
    path: string,
    certain: boolean,
    dialect: Dialect,
    at?: { flow: Flow; node: ShellNode; positional?: string[] },
  ): Promise<Tri> {
    if (this.exhausted()) return "maybe";
    const file = await this.files.load(path, dialect);
    if (!file) return "no";
    if ("unreadable" in file) {
      const why = `${path}: ${file.unreadable}`;
      if (at) this.undecide(at.flow, at.node, why);
      else this.undecideAt({ path, line: 1 }, why);
      return "maybe";
    }
    const frame: Frame = {
      path: file.path,
      lines: file.lines,
      dialect,
      inFunction: false,
      mayHaveReturned: false,
      aliases: this.aliases,
      ...(file.unchecked ? { unchecked: file.unchecked } : {}),
    };
    const statements = named(file.root).filter(
      (statement) => file.stopsAtRow === undefined || statement.endPosition.row < file.stopsAtRow,
    );
    const flow = { frame, certain };
    const saved = this.state.positional;
    if (at?.positional) this.state.positional = at.positional;
    try {
      return await this.enter(() => this.topLevel(statements, flow));
    } finally {
      this.state.positional = saved;
    }
  }

  /** Top-level statements of a file or of code from a string: each is read with the aliases of its time. */
  async topLevel(statements: readonly ShellNode[], flow: Flow, expanding?: string): Promise<Tri> {
    let status: Tri = "yes";
    let lastRow = -1;
    for (const statement of statements) {
      // The shell reads a whole line before it runs it: an alias defined on it applies from the next one.
      // An alias's own text does not expand that alias again.
      if (statement.startPosition.row > lastRow)
        flow.frame.aliases = new Map([...this.aliases].filter(([name]) => name !== expanding));
      lastRow = statement.endPosition.row;
      status = await this.sequence([statement], flow);
    }
    return status;
  }

  async sequence(statements: readonly ShellNode[], flow: Flow): Promise<Tri> {
    let status: Tri = "yes";
    for (const statement of statements) {
      // A command run with `&` runs in a subshell of its own.
      status = statement.nextSibling?.type === "&" ? "maybe" : await this.statement(statement, flow);
    }
    return status;
  }

  async statement(node: ShellNode, flow: Flow): Promise<Tri> {
    switch (node.type) {
      case "declaration_command":
        runDeclaration(this, tokens(node)[0]?.type ?? "", named(node), node, flow);
        return "yes";
      case "unset_command":
        this.unset(named(node), flow);
        return "yes";
      case "variable_assignment":
        runAssignment(this, node, node, flow, false);
        return "yes";
      case "variable_assignments":
        for (const each of named(node)) runAssignment(this, each, node, flow, true);
        return "yes";
      case "command":
        return this.command(node, flow);
      case "redirected_statement": {
        const body = node.childForFieldName("body");
        return body ? this.statement(body, flow) : "maybe";
      }
      case "negated_command":
        return not(await this.sequence(named(node), flow));
      case "compound_statement":
        return this.sequence(named(node), flow);
      case "function_definition": {
        const name = node.childForFieldName("name")?.text;
        const body = node.childForFieldName("body");
        // The body was read with the aliases of its time: a copy of the frame keeps them.
        if (name && body)
          this.functions.set(name, { body, frame: { ...flow.frame }, certain: this.sure(flow) });
        return "yes";
      }
      case "test_command":
        return evaluateTest(this.testWords(node), this.files.probe, node.text.startsWith("[["));
      case "ERROR":
        return readGap(this, node, flow);
      default:
        // subshells, pipelines and command substitutions change nothing in this shell
        return runCompound(this, node, flow);
    }
  }

  private async command(node: ShellNode, flow: Flow): Promise<Tri> {
    const nameNode = node.childForFieldName("name");
    const first = nameNode ? (named(nameNode)[0] ?? nameNode) : undefined;
    if (!first) return "yes";
    const words = [first, ...fields(node, "argument")];
    const alias =
      first.type === "word" && !/[\\'"$]/.test(first.text) ? flow.frame.aliases.get(first.text) : undefined;
    if (
      alias &&
      first.startPosition.row === node.startPosition.row &&
      first.startPosition.column === node.startPosition.column
    )
      return this.runAlias(alias, first, node, flow);
    return this.simpleCommand(node, words, flow, true);
  }

  /** A simple command by its words: builtins, precommands (`builtin`, `command`), functions, else a program. */
  async simpleCommand(
    node: ShellNode,
    words: readonly ShellNode[],
    flow: Flow,
    functions: boolean,
  ): Promise<Tri> {
    const [first, ...args] = words;
    if (!first) return "yes";
    const name = expandWord(first, this.state);
    if (name === undefined) {
      // A path runs a program, which cannot change this shell; anything else may be `export` or a function.
      if (knownPrefix(first, this.state).text.includes("/")) return "maybe";
      this.undecide(flow, node, `runs a command whose name hpiam cannot know (${first.text})`);
      return "maybe";
    }
    const zsh = flow.frame.dialect === "zsh";
    if (name === "builtin" || (zsh && (name === "noglob" || name === "nocorrect" || name === "-")))
      return this.simpleCommand(node, args, flow, false);
    if (name === "command") {
      const rest = args.filter((arg, at) => !(at === 0 && arg.text === "-p"));
      if (rest[0] && /^-[vV]/.test(rest[0].text)) return "maybe";
      return this.simpleCommand(node, rest, flow, false);
    }
    if (zsh && name === "repeat") return this.repeat(node, args, flow);
    const builtin = await runBuiltin(this, name, args, node, flow);
    if (builtin !== undefined) return builtin;
    const called = functions ? this.functions.get(name) : undefined;
    if (called) return this.call(called, args, flow);
    if (zsh && this.autoloaded.has(name)) callAutoloaded(this, name, node, flow);
    return "maybe";
  }

  private async repeat(node: ShellNode, args: readonly ShellNode[], flow: Flow): Promise<Tri> {
    const [count, ...rest] = args;
    const times = count ? expandWord(count, this.state) : undefined;
    if (times !== undefined && /^\d+$/.test(times)) {
      let status: Tri = "yes";
      for (let round = 0; round < Math.min(Number(times), 2); round++)
        status = await this.simpleCommand(node, rest, flow, true);
      return status;
    }
    await this.maybe(() => this.simpleCommand(node, rest, { ...flow, certain: false }, true), flow.frame);
    return "maybe";
  }

  async call(
    called: { body: ShellNode; frame: Frame; certain: boolean },
    args: readonly ShellNode[],
    flow: Flow,
  ): Promise<Tri> {
    if (this.exhausted()) return "maybe";
    const frame = { ...called.frame, inFunction: true, mayHaveReturned: false };
    const certain = this.sure(flow) && called.certain;
    const saved = this.state.positional;
    this.state.positional = args.map((arg) => expandWord(arg, this.state));
    try {
      const body = called.body.type === "compound_statement" ? named(called.body) : [called.body];
      const run = () => this.enter(() => this.sequence(body, { frame, certain }));
      return await (certain ? run() : this.maybe(run));
    } finally {
      this.state.positional = saved;
    }
  }

  /** A command word that is an alias: its text, then the rest of the command, read as code of the same line. */
  private async runAlias(alias: Alias, first: ShellNode, node: ShellNode, flow: Flow): Promise<Tri> {
    if (alias.text === undefined) {
      this.undecide(flow, node, `runs the alias ${first.text}, whose text hpiam cannot know`);
      return "maybe";
    }
    const rest = node.text.slice(first.text.length);
    const code = `${alias.text}${rest}`;
    return this.runCode(code, flow, node, `the alias ${first.text}`, { alias: first.text });
  }

  /**
   * Code from a string (eval's text, an alias's, a trap's, PROMPT_COMMAND's, `emulate -c`'s), run where `node`
   * stands. What it exports is reported at that line; it goes with the whole of `node` when the text does nothing
   * else, else by hand.
   */
  async runCode(
    code: string,
    flow: Flow,
    node: ShellNode,
    what: string,
    { dialect = flow.frame.dialect, alias }: { dialect?: Dialect; alias?: string } = {},
  ): Promise<Tri> {
    if (this.exhausted()) return "maybe";
    const root = this.files.parse(code, dialect);
    const removal = embeddedRemoval(root, this.watched, what, () => commandRemoval(node, flow.frame.lines));
    const embedded = flow.frame.embedded ?? { line: node.startPosition.row + 1, removal };
    const frame: Frame = { ...flow.frame, dialect, embedded };
    this.depth++;
    try {
      return await this.topLevel(named(root), { frame, certain: this.sure(flow) }, alias);
    } finally {
      this.depth--;
      // `return` in eval's text returns from the function or file around it.
      if (frame.mayHaveReturned) flow.frame.mayHaveReturned = true;
    }
  }

  /** `.`/`source`: the file its first word names, with the rest as its arguments. */
  async sourceWords(args: readonly ShellNode[], node: ShellNode, flow: Flow): Promise<Tri> {
    const [first, ...rest] = args;
    if (!first) return "maybe";
    if (first.type === "process_substitution") {
      this.undecide(flow, node, `sources a command's output (${first.text})`);
      return "maybe";
    }
    const word = expandWord(first, this.state);
    const home = this.state.value("HOME");
    if (word === undefined || home === undefined) {
      this.undecide(flow, node, `sources a file whose name hpiam cannot know (${first.text})`);
      return "maybe";
    }
    if (/^\/(dev|proc)\//.test(word)) {
      this.undecide(flow, node, `sources ${word}, which is not a file hpiam can read`);
      return "maybe";
    }
    // A name without a slash: bash looks on PATH first, then where it runs (the home, for a login).
    const path = word.startsWith("/") ? word : `${home}/${word}`;
    // `. ~/.env.d/*` reads the first match (the others are its arguments).
    const [found] = hasGlob(path) ? ((await this.glob(path)) ?? []) : [path];
    if (found === undefined) return "maybe";
    const positional = rest.map((arg) => expandWord(arg, this.state));
    const known = positional.every((arg): arg is string => arg !== undefined);
    return this.source(found, this.sure(flow), flow.frame.dialect, {
      flow,
      node,
      ...(rest.length > 0 && known ? { positional } : {}),
    });
  }

  /** `return` and `exit`: what follows does not run (or may not, where the flow is uncertain). */
  leave(name: "return" | "exit", flow: Flow): Tri {
    if (!this.sure(flow)) {
      if (name === "return") flow.frame.mayHaveReturned = true;
      else this.mayHaveExited = true;
      // What follows may not run: it sees its own assignments, and the shell sees them as "maybe".
      this.state = this.state.branch();
      return "maybe";
    }
    throw name === "return" ? new Returned() : new Exited();
  }

  unset(args: readonly ShellNode[], flow: Flow): void {
    if (args.some((arg) => /^-[a-z]*f/.test(arg.text))) return;
    for (const arg of args) {
      if (/^-/.test(arg.text)) continue;
      const name = expandWord(arg, this.state);
      if (name === undefined) this.undecide(flow, arg, `unsets a name hpiam cannot know (${arg.text})`);
      else this.state.unset(name, this.sure(flow));
    }
  }

  /**
   * Too deep, or too much in all, to follow further: what is past it reads as "maybe", as past MAX_DEPTH (bash
   * itself crashes on a file that sources itself without end).
   */
  private exhausted(): boolean {
    return this.depth >= MAX_DEPTH || ++this.entered > MAX_ENTERED;
  }

  /** A function's or file's body: where it returns, the state is the one it started with (and an `exit` that may have run keeps what follows uncertain). */
  private async enter(run: () => Promise<Tri>): Promise<Tri> {
    const [saved, exited] = [this.state, this.mayHaveExited];
    this.depth++;
    try {
      return await run();
    } catch (signal) {
      if (signal instanceof Returned) return "maybe";
      throw signal;
    } finally {
      this.depth--;
      if (this.state !== saved) this.state = !exited && this.mayHaveExited ? saved.branch() : saved;
    }
  }

  /** The words of `[ … ]` / `[[ … ]]` in order, operators included, for evaluateTest. */
  private testWords(node: ShellNode): Array<string | undefined> {
    return tokens(node).flatMap((part): Array<string | undefined> => {
      if (["[", "]", "[[", "]]"].includes(part.type)) return [];
      if (/_expression$/.test(part.type)) {
        // `[[ -f ~/.x ]]`: the grammar reads the tilde as an operator
        if (tokens(part)[0]?.type === "~") return [expandLiteral(part.text, this.state)];
        return this.testWords(part);
      }
      return [!part.isNamed || part.type === "test_operator" ? part.text : expandWord(part, this.state)];
    });
  }

  /** What a glob names, sorted as bash sorts it; the pattern itself when nothing matches; undefined if unknown. */
  async glob(pattern: string): Promise<string[] | undefined> {
    if (!hasGlob(pattern)) return [pattern];
    const slash = pattern.lastIndexOf("/");
    const [dir, base] = [pattern.slice(0, slash), pattern.slice(slash + 1)];
    if (!pattern.startsWith("/") || hasGlob(dir)) return undefined;
    const names = await this.files.list(dir || "/");
    if (!names) return undefined;
    const matcher = globToRegExp(base);
    const found = names.filter(
      (name) => matcher.test(name) && (base.startsWith(".") || !name.startsWith(".")),
    );
    return found.length === 0 ? [pattern] : found.sort().map((name) => `${dir}/${name}`);
  }

  /** Code run apart from the files (a hook, a trap): a `return` in it ends it; where it may not run, a branch. */
  async runApart(root: ShellNode, flow: Flow): Promise<void> {
    try {
      const run = () => this.topLevel(named(root), flow);
      await (flow.certain ? run() : this.maybe(run));
    } catch (signal) {
      if (!(signal instanceof Returned)) throw signal;
    }
  }
}
