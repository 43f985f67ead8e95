import type { Flow, ShellReader } from "./shell-reader";
import { named, type ShellNode, type Tri, tokens } from "./shell-syntax";

/** Words in a gap's text that may set a variable by a name hpiam cannot see, or run code from a string. */
const DYNAMIC_WORDS = new Set(
  [
    "eval source export declare typeset local readonly integer float read printf print set setopt unsetopt",
    "emulate trap exec alias builtin command let vared mapfile readarray getopts",
    "PROMPT_COMMAND precmd precmd_functions ZDOTDIR",
  ]
    .join(" ")
    .split(" "),
);

/**
 * Text the grammar could not read although the shell can (zsh's own syntax, mostly): what it holds may run and
 * any watched name in it may be exported; where it may also set a name hpiam cannot see, that is undecided.
 */
export async function readGap(reader: ShellReader, node: ShellNode, flow: Flow): Promise<Tri> {
  await reader.maybe(() => reader.sequence(named(node), { ...flow, certain: false }), flow.frame);
  mayExportNamesIn(reader, node, flow);
  const [from, to] = [node.startPosition.row + 1, node.endPosition.row + 1];
  const lines = from === to ? `line ${from}` : `lines ${from}-${to}`;
  if (flow.frame.unchecked)
    reader.undecide(flow, node, `hpiam cannot read ${lines}, and ${flow.frame.unchecked}`);
  else if (mayTouch(reader, node.text))
    reader.undecide(
      flow,
      node,
      `hpiam cannot read ${lines} (syntax its grammar does not know), and they may set AWS_* variables`,
    );
  return "maybe";
}

/** Whether text may name an AWS_* variable, or run something that could set one by a name hpiam cannot see. */
function mayTouch(reader: ShellReader, text: string): boolean {
  if (/AWS/i.test(text) || /(^|[\s;&|(])\.\s/.test(text)) return true;
  const words = text.match(/[A-Za-z_][\w-]*/g) ?? [];
  return words.some(
    (word) => DYNAMIC_WORDS.has(word) || reader.functions.has(word) || reader.aliases.has(word),
  );
}

/** Every watched name the gap's text holds may be exported there. */
function mayExportNamesIn(reader: ShellReader, node: ShellNode, flow: Flow): void {
  for (const part of tokens(node)) {
    if (part.type === "variable_name" && reader.watched(part.text)) {
      const line = part.startPosition.row + 1;
      const origin = reader.originOf(part.text, part, flow, () => ({ kind: "lines", from: line, to: line }));
      reader.state.assign(part.text, undefined, false, { exportIt: true, ...(origin ? { origin } : {}) });
    } else mayExportNamesIn(reader, part, flow);
  }
}
