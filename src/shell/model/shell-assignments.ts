import { commandRemoval, wordRemoval } from "./export-removal";
import type { Flow, ShellReader } from "./shell-reader";
import type { Origin } from "./shell-state";
import { named, type ShellNode, tokens } from "./shell-syntax";
import { expandWord } from "./shell-words";

/** `export`, `declare -x`/`-gx`, `typeset -x`, `export -n`, `declare +x`, `readonly`. */
export function runDeclaration(reader: ShellReader, node: ShellNode, flow: Flow): void {
  const keyword = tokens(node)[0]?.type;
  const args = named(node);
  const flags = args.filter((arg) => arg.type === "word" && /^[-+][a-zA-Z]+$/.test(arg.text));
  const has = (sign: string, letter: string) =>
    flags.some((flag) => flag.text.startsWith(sign) && flag.text.includes(letter));
  const declare = keyword === "declare" || keyword === "typeset";
  if (keyword === "local" || has("-", "f") || has("-", "F") || has("-", "p")) return;
  if (declare && flow.frame.inFunction && !has("-", "g")) return; // a variable local to the function
  const mode =
    keyword === "export"
      ? has("-", "n")
        ? "unexport"
        : "export"
      : declare && has("-", "x")
        ? "export"
        : declare && has("+", "x")
          ? "unexport"
          : "assign";
  const targets = args
    .filter((arg) => !flags.some((flag) => flag.id === arg.id))
    .map((arg) => ({ arg, ...target(reader, arg) }));
  const othersStay = targets.some(({ name }) => name === undefined || !reader.watched(name));
  const certain = reader.sure(flow);
  for (const { arg, name, value, hasValue } of targets) {
    if (name === undefined) continue;
    const origin = originOf(reader, name, arg, flow, () =>
      othersStay ? wordRemoval(arg, node, flow.frame.lines) : commandRemoval(node, flow.frame.lines),
    );
    if (mode === "export" && hasValue) reader.state.assign(name, value, certain, { exportIt: true, origin });
    else if (mode === "export") reader.state.exportName(name, certain, origin);
    else if (hasValue)
      reader.state.assign(name, value, certain, { origin: mode === "assign" ? origin : undefined });
    if (mode === "unexport") reader.state.unexport(name, certain);
  }
}

export function runAssignment(
  reader: ShellReader,
  node: ShellNode,
  statement: ShellNode,
  flow: Flow,
  several: boolean,
): void {
  const { name, value } = target(reader, node);
  if (name === undefined) return;
  const origin = originOf(reader, name, node, flow, () =>
    several ? wordRemoval(node, statement, flow.frame.lines) : commandRemoval(statement, flow.frame.lines),
  );
  reader.state.assign(name, value, reader.sure(flow), { origin });
}

function target(reader: ShellReader, arg: ShellNode): { name?: string; value?: string; hasValue: boolean } {
  if (arg.type === "variable_assignment") {
    const name = arg.childForFieldName("name");
    const value = arg.childForFieldName("value");
    if (name?.type !== "variable_name") return { hasValue: false };
    const append = tokens(arg).some((part) => part.type === "+=");
    const expanded = value ? expandWord(value, reader.state) : "";
    return { name: name.text, value: append ? undefined : expanded, hasValue: true };
  }
  const word = expandWord(arg, reader.state);
  const match = word === undefined ? null : /^([A-Za-z_][A-Za-z0-9_]*)(?:(\+?=)([\s\S]*))?$/.exec(word);
  if (!match) return { hasValue: false };
  const [, name, operator, value] = match;
  return { name, value: operator === "=" ? value : undefined, hasValue: operator !== undefined };
}

function originOf(
  reader: ShellReader,

  name: string,
  node: ShellNode,
  flow: Flow,
  removal: () => Origin["removal"],
): Origin | undefined {
  if (!reader.watched(name)) return undefined;
  return { path: flow.frame.path, line: node.startPosition.row + 1, removal: removal() };
}
