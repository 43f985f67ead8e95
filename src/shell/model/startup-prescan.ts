/**
 * A look at a startup file's text before parsing it, so that a node whose files cannot set an AWS_* variable
 * never loads the bash parser (its WebAssembly compile costs more than the rest of diagnose's reading). A file is
 * clean when the letters AWS appear nowhere in it (any case, quotes and backslashes taken out) and it holds
 * nothing that could build such a name or run text as code: eval (but of the programs the reader knows), a name
 * or command made by an expansion, `.` of a path it cannot tell, read, printf -v, aliases that do any of these,
 * allexport, arithmetic, traps, PROMPT_COMMAND and the like. Whatever it does not recognise makes it parse: it
 * may send a harmless file to the parser, never the reverse (test/unit/startup-prescan.test.ts).
 *
 * Text in `$(…)` and backquotes runs in a subshell, which cannot change the shell's variables: only where its
 * output goes counts (a command's name, a name, a sourced path, eval's text).
 */

export type Prescan =
  /** `sources`: the paths (globs allowed, `~` expanded) the file may read with `.` or `source`. */
  { clean: true; sources: string[] } | Unclean;
type Unclean = { clean: false; why: string };

/** One word as the lexer saw it: its text without quotes, and whether an expansion decides part of it. */
interface Word {
  text: string;
  /** Where (in `text`) the first expansion stands; undefined: none, the word is literal. */
  expandsAt?: number;
  /** The word is exactly one `$(…)`, and this is its inside (eval's known programs). */
  substitution?: string;
  /** The word is exactly `$NAME`, `${NAME}` or `$HOME/…` (a loop variable, a path in the home). */
  variable?: { name: string; rest: string };
}

type Command = Word[];

class Unclear extends Error {}

function unclear(why: string): never {
  throw new Unclear(why);
}

/** Programs whose output eval may run: the reader's list (src/shell/model/shell-builtins.ts). */
const KNOWN_OUTPUT = new Set(["dircolors", "lesspipe", "lessfile", "locale-check", "ssh-agent"]);

/** Builtins that take names or text from data, or run text later: never clean. */
const RISKY = new Set([
  "read",
  "wait",
  "sched",
  "mapfile",
  "readarray",
  "let",
  "integer",
  "float",
  "vared",
  "zparseopts",
  "getopts",
  "trap",
  "enable",
  "fc",
  "coproc",
  "select",
  "autoload",
  "zmodload",
  "emulate",
  "add-zsh-hook",
  "bind",
]);

/** Declarations: clean only with literal names and no attribute that makes later assignments arithmetic. */
const DECLARE = new Set(["export", "declare", "typeset", "local", "readonly"]);

/** Words that start a command without being its name. */
const RESERVED = new Set([
  "!",
  "if",
  "then",
  "else",
  "elif",
  "fi",
  "do",
  "done",
  "while",
  "until",
  "{",
  "}",
  "esac",
]);
const PREFIXES = new Set(["command", "builtin", "exec", "noglob", "nocorrect", "time", "nohup"]);

/** Variables whose value is code, or names where the shell reads files. */
const CODE_VARIABLES =
  /^(PROMPT_COMMAND|precmd_functions|preexec_functions|chpwd_functions|periodic_functions|ZDOTDIR|HOME|BASH_ENV|ENV|FPATH|fpath)$/;

export function prescanStartupFile(text: string, home: string): Prescan {
  const commands = lexed(text);
  if ("clean" in commands) return commands;
  try {
    return { clean: true, sources: judge(commands, home) };
  } catch (error) {
    if (error instanceof Unclear) return { clean: false, why: error.message };
    throw error;
  }
}

/** Texts lexed lately: every home's reading in a run meets the same /etc files. Keyed by the text, never stale. */
const LEXED = new Map<string, readonly Command[] | Unclean>();
const MAX_LEXED = 64;

/** The file's commands, whatever the home; or why it is not clean before any is judged. */
function lexed(text: string): readonly Command[] | Unclean {
  const known = LEXED.get(text);
  if (known) return known;
  if (LEXED.size >= MAX_LEXED) LEXED.clear();
  const commands = lex(text);
  LEXED.set(text, commands);
  return commands;
}

function lex(text: string): Command[] | Unclean {
  if (/aws/i.test(text.replace(/\\\r?\n/g, "").replace(/[\\'"]/g, "")))
    return { clean: false, why: "mentions AWS" };
  try {
    return new Lexer(text).commands();
  } catch (error) {
    if (error instanceof Unclear) return { clean: false, why: error.message };
    throw error;
  }
}

/** The `.`/`source` paths of clean commands; throws Unclear at the first command that is not. */
function judge(commands: readonly Command[], home: string): string[] {
  const assigned = new Set(
    commands.flatMap((command) => command.flatMap((word) => assignedName(word) ?? [])),
  );
  const loops = new Map<string, string[] | undefined>();
  const sources: string[] = [];
  for (const command of commands) {
    let at = 0;
    // Reserved words, assignments before the name, and prefixes that run the name as a builtin.
    for (;;) {
      const word = command[at];
      if (!word) break;
      if (word.expandsAt === undefined && RESERVED.has(word.text)) at++;
      else if (assignedName(word) !== undefined) {
        const name = assignedName(word) ?? "";
        if (/\[/.test(name)) unclear("assigns an array element (its subscript is arithmetic)");
        if (CODE_VARIABLES.test(name.replace(/\+$/, ""))) unclear(`sets ${name}`);
        at++;
      } else if (word.expandsAt === undefined && PREFIXES.has(word.text)) {
        at++;
        while (command[at]?.text.startsWith("-")) at++;
      } else break;
    }
    const [name, ...args] = command.slice(at);
    if (!name) continue;
    if (name.expandsAt !== undefined) unclear(`runs a command whose name an expansion makes (${name.text})`);
    if (name.text === "for") loop(args, assigned, loops);
    sources.push(...judgeCommand(name.text, args, home, loops));
  }
  return sources;
}

function judgeCommand(
  name: string,
  args: readonly Word[],
  home: string,
  loops: ReadonlyMap<string, string[] | undefined>,
): string[] {
  if (RISKY.has(name) || /^TRAP/.test(name)) unclear(`runs ${name}`);
  if (name === "((" || name === "[[") arithmetic(name, args);
  if (name === "eval") {
    const [only] = args;
    const program = only?.substitution
      ?.trim()
      .split(/\s+/)
      .find((word) => !/^\w+=/.test(word));
    if (args.length !== 1 || !program || !KNOWN_OUTPUT.has(program.slice(program.lastIndexOf("/") + 1)))
      unclear("runs eval");
    return [];
  }
  if (name === "." || name === "source") return sourced(args[0], home, loops);
  if (DECLARE.has(name)) {
    for (const arg of args) {
      if (arg.text.startsWith("-") || arg.text.startsWith("+")) {
        if (arg.expandsAt !== undefined || /[ni]/.test(arg.text.slice(1))) unclear(`${name} ${arg.text}`);
        continue;
      }
      const equals = arg.text.indexOf("=");
      const nameEnd = equals < 0 ? arg.text.length : equals;
      if (arg.expandsAt !== undefined && arg.expandsAt < nameEnd)
        unclear(`${name} of a name an expansion makes (${arg.text})`);
      if (CODE_VARIABLES.test(arg.text.slice(0, nameEnd).replace(/\+$/, ""))) unclear(`${name} ${arg.text}`);
    }
    return [];
  }
  if (name === "printf" || name === "print") {
    // Options come before the format: -v NAME assigns; an expansion there may be one.
    for (const arg of args) {
      if (arg.expandsAt !== undefined || /^-\w*v/.test(arg.text))
        unclear(`${name} with -v or an option it cannot tell`);
      if (arg.text === "--" || !arg.text.startsWith("-")) break;
    }
    return [];
  }
  if (name === "set" || name === "setopt" || name === "unsetopt") {
    for (const arg of args) {
      const option = arg.text.replace(/_/g, "").toLowerCase();
      if (arg.expandsAt !== undefined || option.includes("allexport") || /^[-+][a-z]*a/.test(option))
        unclear(`${name} ${arg.text}`);
    }
    return [];
  }
  if (name === "alias") return aliases(args, home);
  return [];
}

/** `[[ … -eq … ]]` and `(( … ))` evaluate their words as arithmetic, which can assign any name. */
function arithmetic(name: string, args: readonly Word[]): void {
  if (name === "((") unclear("arithmetic");
  if (args.some((arg) => /^-(eq|ne|lt|le|gt|ge)$/.test(arg.text))) unclear("arithmetic in [[ ]]");
}

/**
 * Each alias's text is code the shell runs where the alias stands: clean only if it is literal, clean itself, and
 * neither names a builtin this pre-pass watches nor leaves the next word in a command's place (`alias ex=export`,
 * `alias x=''`, `alias x='true;'`).
 */
function aliases(args: readonly Word[], home: string): string[] {
  const sources: string[] = [];
  for (const arg of args) {
    if (arg.text.startsWith("-")) unclear(`alias ${arg.text}`);
    if (arg.expandsAt !== undefined) unclear(`an alias whose text an expansion makes (${arg.text})`);
    const equals = arg.text.indexOf("=");
    if (equals < 0) continue;
    const text = arg.text.slice(equals + 1);
    const inner = prescanStartupFile(text, home);
    if (!inner.clean) unclear(`an alias that ${inner.why}`);
    const commands = new Lexer(text).commands();
    const words = commands.flat();
    const last = words[words.length - 1]?.text ?? "";
    if (
      commands.length === 0 ||
      /[;&|({\n]\s*$/.test(text) ||
      RESERVED.has(last) ||
      PREFIXES.has(last) ||
      commands.some((command) => words.length > 0 && watched(command))
    )
      unclear(`an alias that may run a builtin this pre-pass watches (${arg.text})`);
    sources.push(...inner.sources);
  }
  return sources;
}

/** Whether any word of a command is one judgeCommand looks at, or one that runs the next as a command. */
function watched(command: Command): boolean {
  return command.some(
    (word) =>
      RISKY.has(word.text) ||
      DECLARE.has(word.text) ||
      PREFIXES.has(word.text) ||
      /^(eval|\.|source|set|setopt|unsetopt|printf|print|alias|\[\[|\(\(|for)$/.test(word.text),
  );
}

/** The path `.` reads: literal, in the home, or a loop's literal words; anything else is unclear. */
function sourced(
  word: Word | undefined,
  home: string,
  loops: ReadonlyMap<string, string[] | undefined>,
): string[] {
  if (!word) return unclear("`.` without a file");
  if (word.expandsAt === undefined) return [sourcedPath(word.text, home)];
  const { name, rest } = word.variable ?? {};
  if (name === "HOME" && rest?.startsWith("/")) return [sourcedPath(`~${rest}`, home)];
  const values = name === undefined || rest !== "" ? undefined : loops.get(name);
  if (!values) unclear(`sources a file whose name an expansion makes (${word.text})`);
  return (values ?? []).map((value) => sourcedPath(value, home));
}

function sourcedPath(path: string, home: string): string {
  const full = path.startsWith("~/") ? `${home}${path.slice(1)}` : path;
  if (!full.startsWith("/")) unclear(`sources ${path}, which the shell looks up on PATH`);
  if (/^\/(dev|proc)\//.test(full)) unclear(`sources ${full}`);
  return full;
}

/**
 * `for NAME in WORDS`: the values NAME takes, when every word is literal (globs allowed) and nothing else in the
 * file assigns NAME or loops over it; else none are known.
 */
function loop(
  args: readonly Word[],
  assigned: ReadonlySet<string>,
  loops: Map<string, string[] | undefined>,
): void {
  const [variable, keyword, ...words] = args;
  if (!variable || keyword?.text !== "in") return;
  const inHome = (word: Word) => word.variable?.name === "HOME" && word.variable.rest.startsWith("/");
  const literal = words.every((word) => word.expandsAt === undefined || inHome(word));
  const known = literal && !loops.has(variable.text) && !assigned.has(variable.text);
  loops.set(
    variable.text,
    known ? words.map((word) => (inHome(word) ? `~${word.variable?.rest ?? ""}` : word.text)) : undefined,
  );
}

/** `NAME=…`, `NAME+=…`, `NAME[…]=…`: the name as written (with its `+` or subscript). */
function assignedName(word: Word): string | undefined {
  const match = /^([A-Za-z_][\w]*(\[[^\]]*\])?\+?)=/.exec(word.text);
  if (!match?.[1]) return undefined;
  if (word.expandsAt !== undefined && word.expandsAt < match[1].length) return undefined;
  return match[1];
}

/**
 * Splits shell text into simple commands of words, quotes taken out, as far as this pre-pass needs: what it
 * does not know how to read (unbalanced quotes, `$'…'`, arithmetic) ends it as unclear.
 */
class Lexer {
  private at = 0;
  private readonly out: Command[] = [];
  private current: Command = [];
  private heredocs: Array<{ delimiter: string; strip: boolean }> = [];

  constructor(private readonly text: string) {}

  commands(): Command[] {
    const { text } = this;
    while (this.at < text.length) {
      const char = text[this.at] ?? "";
      if (char === "\n") {
        this.end();
        this.at++;
        this.skipHeredocs();
      } else if (char === " " || char === "\t" || char === "\r") this.at++;
      else if (char === "#" && this.atWordStart()) this.skipComment();
      else if (
        this.text.startsWith("[[", this.at) &&
        /\s/.test(this.text[this.at + 2] ?? "") &&
        this.atWordStart()
      )
        this.conditional();
      else if (char === ";" || char === "&" || char === "|" || char === "(" || char === ")")
        this.operator(char);
      else if (char === "<" || char === ">") this.redirect();
      else this.current.push(this.word());
    }
    this.end();
    if (this.heredocs.length > 0) unclear("a here-document without its end");
    return this.out;
  }

  private atWordStart(): boolean {
    const before = this.text[this.at - 1];
    return before === undefined || /[\s;&|()]/.test(before);
  }

  /** `[[ … ]]`: one command, whose `&&`, `||`, `!`, parentheses and `<`, `>` are its own operators. */
  private conditional(): void {
    const { text } = this;
    this.current.push({ text: "[[" });
    this.at += 2;
    for (;;) {
      while (/[\s()!&|<>]/.test(text[this.at] ?? "")) this.at++;
      if (this.at >= text.length) unclear("[[ without its ]]");
      const word = this.word();
      this.current.push(word);
      if (word.text === "]]" && word.expandsAt === undefined) return;
    }
  }

  private end(): void {
    if (this.current.length > 0) this.out.push(this.current);
    this.current = [];
  }

  private skipComment(): void {
    const end = this.text.indexOf("\n", this.at);
    this.at = end < 0 ? this.text.length : end;
  }

  private operator(char: string): void {
    if (char === "(" && this.text[this.at + 1] === "(" && this.current.length === 0) unclear("arithmetic");
    if (char === "(" && this.current.length > 0 && this.text[this.at + 1] !== ")")
      unclear("a parenthesis inside a command (an array, or a zsh glob qualifier)");
    this.end();
    this.at++;
  }

  /** `<`, `>`, `>>`, `<<<`, `<<`, `<<-`, `>&`, `<(…)`: the target word is data, a here-document's body too. */
  private redirect(): void {
    const { text } = this;
    if (text[this.at + 1] === "(") unclear("process substitution");
    if (text.startsWith("<<<", this.at)) this.at += 3;
    else if (text.startsWith("<<", this.at)) {
      this.at += 2;
      const strip = text[this.at] === "-";
      if (strip) this.at++;
      this.skipBlanks();
      const delimiter = this.word();
      this.heredocs.push({ delimiter: delimiter.text, strip });
      return;
    } else {
      this.at++;
      if (text[this.at] === ">" || text[this.at] === "&" || text[this.at] === "|") this.at++;
    }
    this.skipBlanks();
    if (this.at < text.length && !/[\n;&|()<>]/.test(text[this.at] ?? "")) this.word();
  }

  private skipBlanks(): void {
    while (this.text[this.at] === " " || this.text[this.at] === "\t") this.at++;
  }

  private skipHeredocs(): void {
    for (const { delimiter, strip } of this.heredocs) {
      for (;;) {
        if (this.at >= this.text.length) unclear("a here-document without its end");
        const end = this.text.indexOf("\n", this.at);
        const line = this.text.slice(this.at, end < 0 ? this.text.length : end);
        this.at = end < 0 ? this.text.length : end + 1;
        if ((strip ? line.replace(/^\t+/, "") : line) === delimiter) break;
      }
    }
    this.heredocs = [];
  }

  /** One word: quotes, backslashes and expansions read as the shell reads them, to the next blank or operator. */
  private word(): Word {
    const { text } = this;
    const start = this.at;
    let cooked = "";
    let expandsAt: number | undefined;
    const expands = () => (expandsAt ??= cooked.length);
    while (this.at < text.length) {
      const char = text[this.at] ?? "";
      if (/[\s;&|()<>]/.test(char)) break;
      if (char === "\\") {
        if (text[this.at + 1] !== "\n") cooked += text[this.at + 1] ?? "";
        this.at += 2;
      } else if (char === "'") {
        const end = text.indexOf("'", this.at + 1);
        if (end < 0) unclear("an unbalanced quote");
        cooked += text.slice(this.at + 1, end);
        this.at = end + 1;
      } else if (char === '"') {
        this.at++;
        for (;;) {
          const c = text[this.at];
          if (c === undefined) return unclear("an unbalanced quote");
          if (c === '"') break;
          if (c === "\\" && /[$`"\\\n]/.test(text[this.at + 1] ?? "")) {
            if (text[this.at + 1] !== "\n") cooked += text[this.at + 1];
            this.at += 2;
          } else if (c === "$" || c === "`") {
            expands();
            cooked += this.expansion();
          } else {
            cooked += c;
            this.at++;
          }
        }
        this.at++;
      } else if (char === "$" || char === "`") {
        expands();
        cooked += this.expansion();
      } else if (char === "{" && /[,.]/.test(this.braceBody())) {
        unclear("brace expansion");
      } else {
        cooked += char;
        this.at++;
      }
    }
    const raw = text.slice(start, this.at);
    const word: Word = { text: cooked, ...(expandsAt === undefined ? {} : { expandsAt }) };
    const substitution = /^"?\$\(([^()]*)\)"?$/.exec(raw)?.[1];
    if (substitution !== undefined) word.substitution = substitution;
    const variable = /^\$(?:\{(\w+)\}|(\w+))([^$`'\\]*)$/.exec(raw.replace(/"/g, ""));
    if (variable) word.variable = { name: variable[1] ?? variable[2] ?? "", rest: variable[3] ?? "" };
    return word;
  }

  /** What follows a `{` up to its `}` on the same line (brace expansion needs a comma or `..`). */
  private braceBody(): string {
    const end = this.text.indexOf("}", this.at);
    const line = this.text.indexOf("\n", this.at);
    return end < 0 || (line >= 0 && line < end) ? "" : this.text.slice(this.at, end);
  }

  /** `$NAME`, `${…}`, `$(…)`, `` `…` ``: skipped (their value is unknown here); returns a stand-in text. */
  private expansion(): string {
    const { text } = this;
    const char = text[this.at];
    if (char === "`") {
      const end = text.indexOf("`", this.at + 1);
      if (end < 0) unclear("an unbalanced backquote");
      this.at = end + 1;
      return "$";
    }
    const next = text[this.at + 1] ?? "";
    if (next === "'" || next === '"') unclear("$'…' or $\"…\" quoting");
    if (next === "(") {
      if (text[this.at + 2] === "(") unclear("arithmetic");
      this.at = this.closing(this.at + 1, "(", ")");
      return "$";
    }
    if (next === "{") {
      const end = this.closing(this.at + 1, "{", "}");
      const body = text.slice(this.at + 2, end - 1);
      // ${!x} and zsh's ${(P)x} name a variable by another's value; subscripts and ${x:offset} are arithmetic.
      if (/^[!(]/.test(body) || body.includes("[") || /^#?\w+:[^-=+?]/.test(body) || body.includes("::="))
        unclear(`the expansion \${${body}}`);
      this.at = end;
      return "$";
    }
    this.at++;
    const name = /^(\w+|[-?$!#*@0-9])/.exec(text.slice(this.at))?.[0] ?? "";
    this.at += name.length;
    // zsh reads `$name[…]` as a subscript, which is arithmetic.
    if (text[this.at] === "[") unclear(`a subscript of $${name}`);
    return "$";
  }

  /** The index after the `close` that ends the group opened at `open` (quotes inside respected). */
  private closing(open: number, openChar: string, closeChar: string): number {
    const { text } = this;
    let depth = 0;
    for (let i = open; i < text.length; i++) {
      const c = text[i];
      if (c === "\\") i++;
      else if (c === "'") {
        const end = text.indexOf("'", i + 1);
        if (end < 0) break;
        i = end;
      } else if (c === openChar) depth++;
      else if (c === closeChar && --depth === 0) return i + 1;
    }
    return unclear("an unbalanced expansion");
  }
}
