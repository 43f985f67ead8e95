import { commandRemoval, wordRemoval } from "./export-removal";
import type { Flow, ShellReader } from "./shell-reader";
import type { Removal } from "./shell-state";
import { named, type ShellNode, shellWords, tokens, unknownPart } from "./shell-syntax";
import { braceExpand, expandFields, expandWord, knownPrefix, type OnAssign } from "./shell-words";

/** One name a declaration sets or exports, and the word of the file it comes from. */
interface Target {
  word: ShellNode[];
  name: string;
  value: string | undefined;
  hasValue: boolean;
  /** Several names from one brace expansion, not all of them watched: no edit takes out only ours. */
  sharedWord: boolean;
}

/**
 * `export`, `declare -x`/`-gx`, `typeset -x`, `export -n`, `declare +x`, `readonly`, `local`, zsh's `integer`
 * and `float`, as a `declaration_command` or as a command (`builtin export`, `\export`): `args` are its words.
 */
export function runDeclaration(
  reader: ShellReader,
  keyword: string,
  args: readonly ShellNode[],
  node: ShellNode,
  flow: Flow,
): void {
  const { dialect, inFunction } = flow.frame;
  const words = shellWords(args);
  const flags: string[] = [];
  let first = 0;
  for (; first < words.length; first++) {
    const word = words[first] ?? [];
    const text = word.map((part) => part.text).join("");
    if (word.length !== 1 || word[0]?.type !== "word" || !/^([-+][a-zA-Z]+|--)$/.test(text)) break;
    if (text === "--") {
      first++;
      break;
    }
    flags.push(text);
  }
  const has = (sign: string, letter: string) =>
    flags.some((flag) => flag.startsWith(sign) && flag.includes(letter));
  const declare = keyword === "declare" || keyword === "typeset";
  if (has("-", "f") || has("-", "F") || has("-", "p")) return;
  // bash refuses `local` outside a function; zsh's GLOBAL_EXPORT makes `typeset -x` in a function global.
  if (keyword === "local" && !inFunction && dialect === "bash") return;
  const globalExport = dialect === "zsh" && declare && has("-", "x");
  if (inFunction && (keyword === "local" || (declare && !has("-", "g") && !globalExport))) return;
  const mode =
    keyword === "export"
      ? has("-", "n")
        ? "unexport"
        : "export"
      : has("-", "x")
        ? "export"
        : has("+", "x")
          ? "unexport"
          : "assign";
  const targets: Target[] = [];
  let othersStay = false;
  for (const word of words.slice(first)) {
    const found = targetsOf(reader, word, node, flow, `${keyword} of`);
    targets.push(...found.targets);
    othersStay ||= found.othersStay;
  }
  if (declare && has("-", "n")) {
    for (const { name, value } of targets)
      if (reader.watched(name) || value === undefined || reader.watched(value))
        reader.undecide(flow, node, `a reference (declare -n ${name}) that may stand for an AWS_* variable`);
    return;
  }
  const certain = reader.sure(flow);
  for (const { word, name, value, hasValue, sharedWord } of targets) {
    const [head = node, last = node] = [word[0], word.at(-1)];
    const origin = reader.originOf(name, head, flow, (): Removal => {
      if (sharedWord)
        return { kind: "by-hand", why: "the name comes from a brace expansion that also sets other names" };
      return othersStay
        ? wordRemoval(head, last, node, flow.frame.lines)
        : commandRemoval(node, flow.frame.lines);
    });
    const recorded = origin ? { origin } : {};
    if (mode === "export" && hasValue)
      reader.state.assign(name, value, certain, { exportIt: true, ...recorded });
    else if (mode === "export") reader.state.exportName(name, certain, origin);
    else if (hasValue) reader.state.assign(name, value, certain, mode === "assign" ? recorded : {});
    if (mode === "unexport") reader.state.unexport(name, certain);
  }
}

/** `NAME=value` alone, or one of several on a line (`A=1 AWS_PROFILE=dev`). */
export function runAssignment(
  reader: ShellReader,
  node: ShellNode,
  statement: ShellNode,
  flow: Flow,
  several: boolean,
): void {
  const nameNode = node.childForFieldName("name");
  if (nameNode?.type !== "variable_name") return;
  const name = nameNode.text;
  const valueNode = node.childForFieldName("value");
  if (valueNode?.type === "array") {
    // zsh's `precmd_functions+=(f)`: functions that run before each prompt. Arrays are never exported.
    if (name === "precmd_functions" || name === "preexec_functions")
      for (const word of named(valueNode)) reader.precmd.add(expandWord(word, reader.state) ?? "");
    return;
  }
  const value = valueNode ? expandWord(valueNode, reader.state, assigner(reader, statement, flow)) : "";
  const origin = reader.originOf(name, node, flow, () =>
    several
      ? wordRemoval(node, node, statement, flow.frame.lines)
      : commandRemoval(statement, flow.frame.lines),
  );
  const append = tokens(node).some((part) => part.type === "+=");
  const before = reader.state.value(name);
  const assigned = !append ? value : before === undefined || value === undefined ? undefined : before + value;
  reader.state.assign(name, assigned, reader.sure(flow), origin ? { origin } : {});
}

/** What `${NAME:=word}` assigns, recorded with where it stands. */
export function assigner(reader: ShellReader, node: ShellNode, flow: Flow): OnAssign {
  return (name, value) => {
    const origin = reader.originOf(name, node, flow, () => commandRemoval(node, flow.frame.lines));
    reader.state.assign(name, value, reader.sure(flow), origin ? { origin } : {});
  };
}

/**
 * The names one word of a declaration sets: a `NAME=value` node, or a word whose text is that after brace
 * expansion and the other expansions. A word whose name is not known is undecided, unless what is known of it
 * (`"MY_$x"`) cannot begin an AWS_* name; `othersStay`: it sets a name that is not watched.
 */
function targetsOf(
  reader: ShellReader,
  word: readonly ShellNode[],
  node: ShellNode,
  flow: Flow,
  what: string,
): { targets: Target[]; othersStay: boolean } {
  const [only] = word;
  if (word.length === 1 && only?.type === "variable_assignment") {
    const nameNode = only.childForFieldName("name");
    const valueNode = only.childForFieldName("value");
    if (nameNode?.type !== "variable_name" || valueNode?.type === "array")
      return { targets: [], othersStay: true };
    const append = tokens(only).some((part) => part.type === "+=");
    const value = valueNode ? expandWord(valueNode, reader.state, assigner(reader, node, flow)) : "";
    const name = nameNode.text;
    const before = reader.state.value(name);
    const assigned = !append
      ? value
      : before === undefined || value === undefined
        ? undefined
        : before + value;
    const target = { word: [...word], name, value: assigned, hasValue: true, sharedWord: false };
    return { targets: [target], othersStay: !reader.watched(name) };
  }
  const raw = word.map((part) => part.text).join("");
  const alternatives = braceExpand(raw);
  const nodes =
    alternatives.length > 1 || word.length > 1
      ? alternatives.flatMap((text) =>
          named(reader.files.parse(`: ${text}`, flow.frame.dialect).namedChildren[0] ?? node).slice(1),
        )
      : [...word];
  const targets: Target[] = [];
  let othersStay = false;
  for (const part of nodes) {
    const texts = expandFields(part, reader.state, flow.frame.dialect);
    if (texts === undefined) {
      const prefix = knownPrefix(part, reader.state);
      const match = /^([A-Za-z_][A-Za-z0-9_]*)\+?=/.exec(prefix.text);
      if (match?.[1])
        targets.push({
          word: [...word],
          name: match[1],
          value: undefined,
          hasValue: true,
          sharedWord: false,
        });
      else if (prefix.text !== "" && !prefix.mayDivide && !/^A(W(S(_.*)?)?)?$/.test(prefix.text))
        othersStay = true;
      else reader.undecide(flow, node, `${what} a name hpiam cannot know (${unknownPart([part])})`);
      continue;
    }
    for (const text of texts) {
      const match = /^([A-Za-z_][A-Za-z0-9_]*)(?:(\+?=)([\s\S]*))?$/.exec(text);
      if (!match?.[1]) continue;
      const [, name = "", operator, value] = match;
      const hasValue = operator !== undefined;
      targets.push({
        word: [...word],
        name,
        value: operator === "=" ? value : undefined,
        hasValue,
        sharedWord: false,
      });
    }
  }
  othersStay ||= targets.some((target) => !reader.watched(target.name));
  const shared = alternatives.length > 1 && targets.some((target) => !reader.watched(target.name));
  return { targets: targets.map((target) => ({ ...target, sharedWord: shared })), othersStay };
}
