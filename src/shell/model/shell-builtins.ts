import { commandRemoval } from "./export-removal";
import { assigner, runDeclaration } from "./shell-assignments";
import type { Flow, ShellReader } from "./shell-reader";
import type { Origin } from "./shell-state";
import { named, type ShellNode, type Tri, unknownPart } from "./shell-syntax";
import { evaluateTest } from "./shell-test";
import { expandFields, expandWord } from "./shell-words";

/** Functions the zsh package ships on $fpath (completion, prompts, hooks): they set no AWS_* variable. */
const ZSH_SHIPPED = new Set(
  [
    "compinit bashcompinit promptinit add-zsh-hook colors vcs_info zmv zcalc run-help is-at-least zrecompile",
    "edit-command-line select-word-style url-quote-magic bracketed-paste-magic",
    "up-line-or-beginning-search down-line-or-beginning-search",
  ]
    .join(" ")
    .split(" "),
);

/** Programs whose output, run by `eval`, only ever sets their own variables (LS_COLORS, LESSOPEN, LANG, …). */
const KNOWN_OUTPUT = new Set(["dircolors", "lesspipe", "lessfile", "locale-check", "ssh-agent"]);

/**
 * The builtins that can change what the shell exports, or run code: undefined for any other command name (a
 * program, which cannot change this shell, or a function).
 */
export async function runBuiltin(
  reader: ShellReader,
  name: string,
  args: readonly ShellNode[],
  node: ShellNode,
  flow: Flow,
): Promise<Tri | undefined> {
  const zsh = flow.frame.dialect === "zsh";
  for (const arg of args)
    if (/\$\{[^}]*=/.test(arg.text)) expandWord(arg, reader.state, assigner(reader, node, flow));
  switch (name) {
    case ":":
    case "true":
      return "yes";
    case "false":
      return "no";
    case ".":
    case "source":
      return reader.sourceWords(args, node, flow);
    case "return":
      return reader.leave("return", flow);
    case "exit":
    case "logout":
      return reader.leave("exit", flow);
    case "test":
    case "[": {
      const words = args.map((arg) => expandWord(arg, reader.state));
      return evaluateTest(name === "[" ? words.slice(0, -1) : words, reader.files.probe, false);
    }
    case "export":
    case "declare":
    case "typeset":
    case "local":
    case "readonly":
      runDeclaration(reader, name, args, node, flow);
      return "yes";
    case "integer":
    case "float":
      if (!zsh) return undefined;
      runDeclaration(reader, "typeset", args, node, flow);
      return "yes";
    case "unset":
      reader.unset(args, flow);
      return "yes";
    case "eval":
      return runEval(reader, args, node, flow);
    case "alias":
      defineAliases(reader, args, node, flow);
      return "yes";
    case "unalias":
      for (const arg of args) {
        if (arg.text === "-a") reader.aliases.clear();
        else reader.aliases.delete(expandWord(arg, reader.state) ?? "");
      }
      return "yes";
    case "read":
      return runRead(reader, args, node, flow);
    case "printf":
    case "print":
      if (name === "print" && !zsh) return undefined;
      return runPrint(reader, name, args, node, flow);
    case "trap":
      runTrap(reader, args, node, flow);
      return "yes";
    case "set":
      setOptions(reader, args, flow);
      return "yes";
    case "setopt":
    case "unsetopt":
      if (!zsh) return undefined;
      for (const arg of args) zshOption(reader, expandWord(arg, reader.state), name === "setopt", flow);
      return "yes";
    case "emulate":
      return zsh ? runEmulate(reader, args, node, flow) : undefined;
    case "add-zsh-hook":
      if (!zsh) return undefined;
      addHook(reader, args);
      return "yes";
    case "autoload":
      if (!zsh) return undefined;
      for (const arg of args) if (!/^[-+]/.test(arg.text)) reader.autoloaded.add(arg.text);
      return "yes";
    case "exec":
      return runExec(reader, args, node, flow);
    default:
      return undefined;
  }
}

/** Where a statement stands, for code it leaves to run later (a trap). */
function here(node: ShellNode, flow: Flow): Origin {
  const { embedded } = flow.frame;
  if (embedded) return { path: flow.frame.path, line: embedded.line, removal: embedded.removal };
  return {
    path: flow.frame.path,
    line: node.startPosition.row + 1,
    removal: commandRemoval(node, flow.frame.lines),
  };
}

async function runEval(
  reader: ShellReader,
  args: readonly ShellNode[],
  node: ShellNode,
  flow: Flow,
): Promise<Tri> {
  const words = args.map((arg) => expandFields(arg, reader.state, flow.frame.dialect));
  if (words.every((word): word is string[] => word !== undefined))
    return reader.runCode(words.flat().join(" "), flow, node, "eval");
  if (args.length === 1 && args[0] && knownOutput(args[0])) return "maybe";
  reader.undecide(flow, node, `eval runs text hpiam cannot know (${unknownPart(args)})`);
  return "maybe";
}

/** `"$(dircolors -b)"`, `$(SHELL=/bin/sh lesspipe)`: the output of a program whose output is known in kind. */
function knownOutput(word: ShellNode): boolean {
  const parts = word.type === "string" ? named(word) : [word];
  const [only] = parts;
  if (parts.length !== 1 || only?.type !== "command_substitution") return false;
  const [command] = named(only);
  const name = command?.type === "command" ? command.childForFieldName("name")?.text : undefined;
  return name !== undefined && KNOWN_OUTPUT.has(name.slice(name.lastIndexOf("/") + 1));
}

function defineAliases(reader: ShellReader, args: readonly ShellNode[], node: ShellNode, flow: Flow): void {
  const global = args.some((arg) => /^-[a-z]*[gs]/.test(arg.text));
  for (const arg of args) {
    if (/^[-+]/.test(arg.text)) continue;
    const text = expandWord(arg, reader.state);
    const at = (text ?? arg.text).indexOf("=");
    if (at <= 0) continue;
    const name = (text ?? arg.text).slice(0, at);
    if (text === undefined && !/^[\w.@%+:,/-]+=/.test(arg.text)) {
      reader.undecide(flow, node, `defines an alias whose name hpiam cannot know (${arg.text})`);
      continue;
    }
    const value = text?.slice(at + 1);
    // A global alias (zsh) expands anywhere in a line: what it may do is not followed.
    if (global) {
      if (value === undefined || /AWS|eval|export|typeset|declare|source|\./.test(value))
        reader.undecide(flow, node, `defines a global alias (${name}), which zsh expands anywhere in a line`);
      continue;
    }
    reader.aliases.set(name, { text: value });
  }
}

/** `read NAME…`: the names get a line of input, known only for a here-string (`<<< text`). */
function runRead(reader: ShellReader, args: readonly ShellNode[], node: ShellNode, flow: Flow): Tri {
  const withValue = new Set(["-a", "-A", "-d", "-i", "-n", "-N", "-p", "-t", "-u", "-k"]);
  const names: ShellNode[] = [];
  let raw = false;
  let array = false;
  let limited = false;
  for (let at = 0; at < args.length; at++) {
    const text = args[at]?.text ?? "";
    if (/^-[a-zA-Z]+$/.test(text) && names.length === 0) {
      raw ||= text.includes("r");
      array ||= /[aA]/.test(text);
      limited ||= /[dnNk]/.test(text);
      if (withValue.has(text.slice(-2))) at++;
    } else names.push(args[at] as ShellNode);
  }
  if (array) return "maybe";
  const input = herestring(node, reader, flow);
  const line = input === undefined || limited ? undefined : (input.split("\n")[0] ?? "");
  const text = line === undefined || raw ? line : line.replace(/\\(.)/g, "$1");
  const values = text === undefined ? undefined : splitRead(text, names.length);
  names.forEach((word, at) => {
    const name = expandWord(word, reader.state)?.replace(/\?.*$/, "");
    if (name === undefined) {
      reader.undecide(flow, node, `read sets a name hpiam cannot know (${word.text})`);
      return;
    }
    const origin = reader.originOf(name, node, flow, () => commandRemoval(node, flow.frame.lines));
    reader.state.assign(name, values?.[at], reader.sure(flow), origin ? { origin } : {});
  });
  return input === undefined ? "maybe" : "yes";
}

function herestring(node: ShellNode, reader: ShellReader, flow: Flow): string | undefined {
  const redirect = [...named(node), ...(node.parent ? named(node.parent) : [])].find(
    (part) => part.type === "herestring_redirect",
  );
  const word = redirect ? named(redirect)[0] : undefined;
  return word ? expandFields(word, reader.state, flow.frame.dialect)?.join(" ") : undefined;
}

/** A line split among `count` names at blanks, the last taking the rest (IFS unchanged). */
function splitRead(line: string, count: number): string[] {
  const values: string[] = [];
  let rest = line.replace(/^[ \t]+/, "");
  for (let at = 0; at < count - 1; at++) {
    const match = /^(\S*)[ \t]*/.exec(rest);
    values.push(match?.[1] ?? "");
    rest = rest.slice(match?.[0].length ?? rest.length);
  }
  values.push(rest.replace(/[ \t]+$/, ""));
  return values;
}

/** `printf -v NAME FORMAT ARGS…` and zsh's `print -v NAME ARGS…`: an assignment, known where its words are. */
function runPrint(
  reader: ShellReader,
  name: string,
  args: readonly ShellNode[],
  node: ShellNode,
  flow: Flow,
): Tri {
  const at = args.findIndex((arg) => arg.text === "-v");
  const target = at >= 0 ? args[at + 1] : undefined;
  if (!target) return "yes";
  const variable = expandWord(target, reader.state);
  if (variable === undefined) {
    reader.undecide(flow, node, `${name} -v sets a name hpiam cannot know (${target.text})`);
    return "maybe";
  }
  const rest = args
    .slice(at + 2)
    .filter((arg, index) => !(name === "print" && index === 0 && /^-/.test(arg.text)));
  const words = rest.map((arg) => expandFields(arg, reader.state, flow.frame.dialect));
  const known = words.every((word): word is string[] => word !== undefined) ? words.flat() : undefined;
  const value = known && (name === "print" ? known.join(" ") : formatted(known[0] ?? "", known.slice(1)));
  const origin = reader.originOf(variable, node, flow, () => commandRemoval(node, flow.frame.lines));
  reader.state.assign(variable, value, reader.sure(flow), origin ? { origin } : {});
  return "yes";
}

/** printf's format with `%s`, `%d` and `%%` only; undefined for anything else. */
function formatted(format: string, args: readonly string[]): string | undefined {
  if (/%[^sd%]/.test(format.replace(/%%/g, "")) || /\\/.test(format)) return undefined;
  let next = 0;
  let out = "";
  do {
    out += format.replace(/%([sd%])/g, (_, kind: string) => (kind === "%" ? "%" : (args[next++] ?? "")));
  } while (next > 0 && next < args.length);
  return out;
}

/** `trap CODE SIGNAL…`: code that runs later (DEBUG before each command, RETURN, ERR); EXIT's runs at the end. */
function runTrap(reader: ShellReader, args: readonly ShellNode[], node: ShellNode, flow: Flow): void {
  const [code, ...signals] = args;
  if (!code || /^-[lp]/.test(code.text) || signals.length === 0) return;
  const names = signals.map((signal) => expandWord(signal, reader.state));
  if (names.every((signal) => signal === "EXIT" || signal === "0")) return;
  const text = expandWord(code, reader.state);
  if (text === "-" || text === "") return;
  reader.traps.push({ code: text, origin: here(node, flow), certain: false });
}

function setOptions(reader: ShellReader, args: readonly ShellNode[], flow: Flow): void {
  const words = args.map((arg) => expandWord(arg, reader.state));
  words.forEach((word, at) => {
    if (word === "-o" || word === "+o") {
      zshOption(reader, words[at + 1], word === "-o", flow);
      return;
    }
    if (word !== undefined && /^[-+][a-zA-Z]*a/.test(word)) allexport(reader, word.startsWith("-"), flow);
  });
}

/** An option by its name as zsh (and bash's `set -o`) spells it: any case, `_` anywhere, `no` before. */
function zshOption(reader: ShellReader, spelled: string | undefined, on: boolean, flow: Flow): void {
  if (spelled === undefined) return;
  let option = spelled.toLowerCase().replace(/_/g, "");
  let value = on;
  if (option.startsWith("no") && option !== "notify") [option, value] = [option.slice(2), !on];
  if (option === "allexport") allexport(reader, value, flow);
  if (option === "rcs" || option === "globalrcs") {
    const key = option === "rcs" ? "rcs" : "globalRcs";
    if (reader.sure(flow)) reader.zshOptions[key] = value ? "yes" : "no";
    else if (!value) reader.zshOptions[key] = "maybe";
  }
}

function allexport(reader: ShellReader, on: boolean, flow: Flow): void {
  if (reader.sure(flow)) reader.state.allexport = on ? "yes" : "no";
  else if (on && reader.state.allexport === "no") reader.state.allexport = "maybe";
}

/** zsh's `emulate sh -c 'source ~/.profile'`: the text, read as that shell reads it. */
async function runEmulate(
  reader: ShellReader,
  args: readonly ShellNode[],
  node: ShellNode,
  flow: Flow,
): Promise<Tri> {
  const at = args.findIndex((arg) => arg.text === "-c");
  const code = at >= 0 ? args[at + 1] : undefined;
  if (!code) return "yes";
  const text = expandWord(code, reader.state);
  if (text === undefined) {
    reader.undecide(flow, node, `emulate -c runs text hpiam cannot know (${code.text})`);
    return "maybe";
  }
  const mode = args.find((arg) => /^(zsh|sh|ksh|bash|csh)$/.test(arg.text))?.text;
  return reader.runCode(text, flow, node, "emulate -c", { dialect: mode === "zsh" ? "zsh" : "bash" });
}

function addHook(reader: ShellReader, args: readonly ShellNode[]): void {
  const words = args.map((arg) => arg.text).filter((word) => !/^-/.test(word));
  const [hook, name] = words;
  if ((hook !== "precmd" && hook !== "preexec") || !name) return;
  if (args.some((arg) => /^-[a-zA-Z]*d/.test(arg.text))) reader.precmd.delete(name);
  else reader.precmd.add(name);
}

/** `exec PROGRAM`: the shell becomes that program, whose own startup hpiam does not follow. */
function runExec(reader: ShellReader, args: readonly ShellNode[], node: ShellNode, flow: Flow): Tri {
  const words = args.filter((arg, at) => !/^-[acl]+$/.test(arg.text) && args[at - 1]?.text !== "-a");
  if (words.length === 0) return "yes";
  reader.undecide(
    flow,
    node,
    `exec hands the shell to another program (${words.map((word) => word.text).join(" ")})`,
  );
  return reader.leave("exit", flow);
}

/** A function `autoload` named runs a file on $fpath, which hpiam does not read (zsh's own ones aside). */
export function callAutoloaded(reader: ShellReader, name: string, node: ShellNode, flow: Flow): void {
  if (ZSH_SHIPPED.has(name)) return;
  reader.undecide(flow, node, `calls ${name}, a function zsh loads from $fpath, which hpiam does not read`);
}
