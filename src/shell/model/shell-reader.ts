import { runAssignment, runDeclaration } from "./shell-assignments";
import type { ShellState } from "./shell-state";
import { fields, globToRegExp, hasGlob, named, not, type ShellNode, type Tri, tokens } from "./shell-syntax";
import { type FileProbe, evaluateTest } from "./shell-test";
import { expandLiteral, expandWord } from "./shell-words";
import { runCompound } from "./shell-compound";

export interface ParsedFile {
  /** The path it was read from (what findings and removal commands name). */
  path: string;
  root: ShellNode;
  lines: string[];
}

/** The files a shell reads, seen without running anything. */
export interface StartupFiles {
  /** A file `.` would read, parsed; undefined when it is absent or cannot be read. */
  load(path: string): Promise<ParsedFile | undefined>;
  probe: FileProbe;
  /** The names in a folder (for a glob); undefined when it cannot be listed. */
  list(dir: string): Promise<string[] | undefined>;
}

export interface Frame {
  path: string;
  lines: readonly string[];
  inFunction: boolean;
  /** A `return` that may have run: what follows in this file or function may not run. */
  mayHaveReturned: boolean;
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
 * Walks startup files statement by statement, as bash would run them, keeping the variables' state. It runs no
 * command: it follows `.`/`source`, functions that are called, `if`/`case`/`&&`/`||` and loops, and where a
 * condition cannot be decided it reads both ways, so that an export reads as "maybe", never as absent.
 */
export class ShellReader {
  private readonly functions = new Map<string, { body: ShellNode; frame: Frame; certain: boolean }>();
  private mayHaveExited = false;
  private depth = 0;

  constructor(
    readonly files: StartupFiles,
    readonly state: ShellState,
    readonly watched: (name: string) => boolean,
  ) {}

  sure(flow: Flow): boolean {
    return flow.certain && !flow.frame.mayHaveReturned && !this.mayHaveExited;
  }

  /** Runs a file as `.` does: "no" when it is not there. */
  async source(path: string, certain: boolean): Promise<Tri> {
    if (this.depth >= MAX_DEPTH) return "maybe";
    const file = await this.files.load(path);
    if (!file) return "no";
    const frame = { path: file.path, lines: file.lines, inFunction: false, mayHaveReturned: false };
    return this.enter(() => this.sequence(named(file.root), { frame, certain }));
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
        runDeclaration(this, node, flow);
        return "yes";
      case "unset_command":
        if (!named(node).some((arg) => /^-[a-z]*f/.test(arg.text)))
          for (const arg of named(node)) this.state.unset(expandWord(arg, this.state) ?? "", this.sure(flow));
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
        if (name && body) this.functions.set(name, { body, frame: flow.frame, certain: this.sure(flow) });
        return "yes";
      }
      case "test_command":
        return evaluateTest(this.testWords(node), this.files.probe, node.text.startsWith("[["));
      case "ERROR":
        // Text the grammar could not read: what bash makes of it is unknown, so it may run, and any watched
        // name in it may be exported.
        await this.sequence(named(node), { ...flow, certain: false });
        this.mayExportNamesIn(node, flow);
        return "maybe";
      default:
        // subshells, pipelines and command substitutions change nothing in this shell
        return runCompound(this, node, flow);
    }
  }

  private async command(node: ShellNode, flow: Flow): Promise<Tri> {
    const nameNode = node.childForFieldName("name");
    const word = nameNode ? (named(nameNode)[0] ?? nameNode) : undefined;
    const name = word ? expandWord(word, this.state) : undefined;
    const args = fields(node, "argument").map((arg) => expandWord(arg, this.state));
    switch (name) {
      case ":":
      case "true":
        return "yes";
      case "false":
        return "no";
      case ".":
      case "source":
        return this.sourceWord(args[0], flow);
      case "return":
      case "exit":
        if (!this.sure(flow)) {
          if (name === "return") flow.frame.mayHaveReturned = true;
          else this.mayHaveExited = true;
          return "maybe";
        }
        throw name === "return" ? new Returned() : new Exited();
      case "set":
        this.set(args, flow);
        return "yes";
      case "test":
      case "[":
        return evaluateTest(name === "[" ? args.slice(0, -1) : args, this.files.probe, false);
    }
    const called = name === undefined ? undefined : this.functions.get(name);
    if (!called || called.body.type !== "compound_statement" || this.depth >= MAX_DEPTH) return "maybe";
    const frame = { ...called.frame, inFunction: true, mayHaveReturned: false };
    const certain = this.sure(flow) && called.certain;
    return this.enter(() => this.sequence(named(called.body), { frame, certain }));
  }

  private async sourceWord(word: string | undefined, flow: Flow): Promise<Tri> {
    const home = this.state.value("HOME");
    if (word === undefined || home === undefined) return "maybe";
    // A name without a slash: bash looks on PATH first, then where it runs (the home, for a login).
    const path = word.startsWith("/") ? word : `${home}/${word}`;
    // `. ~/.env.d/*` reads the first match (the others are its arguments).
    const [first] = hasGlob(path) ? ((await this.glob(path)) ?? []) : [path];
    return first === undefined ? "maybe" : this.source(first, this.sure(flow));
  }

  private async enter(run: () => Promise<Tri>): Promise<Tri> {
    this.depth++;
    try {
      return await run();
    } catch (signal) {
      if (signal instanceof Returned) return "maybe";
      throw signal;
    } finally {
      this.depth--;
    }
  }

  private set(args: ReadonlyArray<string | undefined>, flow: Flow): void {
    args.forEach((arg, at) => {
      const option = arg === "-o" || arg === "+o" ? (args[at + 1] === "allexport" ? arg[0] : undefined) : arg;
      const on = option?.startsWith("-") ?? false;
      if (option === undefined || !/^[-+][a-zA-Z]*a/.test(option.length === 1 ? `${option}a` : option))
        return;
      if (this.sure(flow)) this.state.allexport = on ? "yes" : "no";
      else if (on && this.state.allexport === "no") this.state.allexport = "maybe";
    });
  }

  private mayExportNamesIn(node: ShellNode, flow: Flow): void {
    for (const part of tokens(node)) {
      if (part.type === "variable_name" && this.watched(part.text)) {
        const line = part.startPosition.row + 1;
        const origin = {
          path: flow.frame.path,
          line,
          removal: { kind: "lines" as const, from: line, to: line },
        };
        this.state.assign(part.text, undefined, false, { exportIt: true, origin });
      } else this.mayExportNamesIn(part, flow);
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
}
