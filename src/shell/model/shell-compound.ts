import type { Flow, ShellReader } from "./shell-reader";
import { fields, globToRegExp, hasGlob, named, type ShellNode, type Tri, tokens } from "./shell-syntax";
import { expandWord } from "./shell-words";

const uncertain = (flow: Flow): Flow => ({ ...flow, certain: false });

/** `&&`/`||` lists, `if`, `case`, loops; what runs in a subshell (pipelines, `( … )`) changes nothing here. */
export async function runCompound(reader: ShellReader, node: ShellNode, flow: Flow): Promise<Tri> {
  switch (node.type) {
    case "list":
      return runList(reader, node, flow);
    case "if_statement":
      return runIf(reader, node, flow);
    case "case_statement":
      return runCase(reader, node, flow);
    case "for_statement":
      return runFor(reader, node, flow);
    case "while_statement":
    case "c_style_for_statement": {
      const conditions = fields(node, "condition").filter((part) => part.isNamed);
      const status = await reader.sequence(conditions, flow);
      const until = tokens(node)[0]?.type === "until";
      if (status === (until ? "yes" : "no") && node.type === "while_statement") return "yes";
      const body = named(node.childForFieldName("body") ?? node);
      await reader.maybe(() => reader.sequence(body, uncertain(flow)), flow.frame);
      return "maybe";
    }
    default:
      return "maybe";
  }
}

async function runList(reader: ShellReader, node: ShellNode, flow: Flow): Promise<Tri> {
  const [left, operator, right] = tokens(node);
  if (!left || !operator || !right) return "maybe";
  const first = await reader.statement(left, flow);
  const and = operator.type === "&&";
  if (first === (and ? "no" : "yes")) return first;
  if (first === "yes" || first === "no") return reader.statement(right, flow);
  const second = await reader.maybe(() => reader.statement(right, uncertain(flow)), flow.frame);
  if (and) return second === "no" ? "no" : "maybe";
  return second === "yes" ? "yes" : "maybe";
}

/** Each branch: its condition's status decides; an undecided one is read as maybe, and so is all after it. */
async function runBranches(
  reader: ShellReader,
  branches: ReadonlyArray<{ decide: (flow: Flow) => Promise<Tri>; body: readonly ShellNode[] }>,
  flow: Flow,
): Promise<Tri> {
  let reach = flow;
  for (const { decide, body } of branches) {
    const status = await decide(reach);
    if (status === "yes") return reader.sequence(body, reach);
    if (status === "maybe") {
      const branch = uncertain(reach);
      reach = branch;
      await reader.maybe(() => reader.sequence(body, branch), flow.frame);
    }
  }
  return reach === flow ? "yes" : "maybe";
}

async function runIf(reader: ShellReader, node: ShellNode, flow: Flow): Promise<Tri> {
  const clause = (part: ShellNode) => {
    const condition: ShellNode[] = [];
    const body: ShellNode[] = [];
    let inBody = false;
    for (const child of tokens(part)) {
      if (child.type === "then") inBody = true;
      else if (child.isNamed && child.type !== "comment" && !/^(elif|else)_clause$/.test(child.type))
        (inBody ? body : condition).push(child);
    }
    return { decide: (reach: Flow) => reader.sequence(condition, reach), body };
  };
  const branches = [clause(node)];
  for (const part of named(node)) {
    if (part.type === "elif_clause") branches.push(clause(part));
    if (part.type === "else_clause") branches.push({ decide: async () => "yes", body: named(part) });
  }
  return runBranches(reader, branches, flow);
}

async function runCase(reader: ShellReader, node: ShellNode, flow: Flow): Promise<Tri> {
  const subjectNode = node.childForFieldName("value");
  const subject = subjectNode ? expandWord(subjectNode, reader.state) : undefined;
  const branches = named(node)
    .filter((item) => item.type === "case_item")
    .map((item) => {
      const patterns = fields(item, "value");
      const afterParen = tokens(item).findIndex((part) => part.type === ")");
      const body = tokens(item)
        .slice(afterParen + 1)
        .filter((part) => part.isNamed && part.type !== "comment");
      const decide = async (): Promise<Tri> => {
        if (subject === undefined) return "maybe";
        let result: Tri = "no";
        for (const pattern of patterns) {
          const text = expandWord(pattern, reader.state);
          if (text === undefined) result = "maybe";
          else if (
            /^(string|raw_string)$/.test(pattern.type) ? text === subject : globToRegExp(text).test(subject)
          )
            return "yes";
        }
        return result;
      };
      return { decide, body };
    });
  await runBranches(reader, branches, flow);
  return "yes";
}

async function runFor(reader: ShellReader, node: ShellNode, flow: Flow): Promise<Tri> {
  const variable = node.childForFieldName("variable")?.text ?? "";
  const body = named(node.childForFieldName("body") ?? node);
  let values: string[] | undefined = [];
  for (const word of fields(node, "value")) {
    const text = expandWord(word, reader.state);
    const expanded =
      text === undefined
        ? undefined
        : word.type === "word" && hasGlob(text)
          ? await reader.glob(text)
          : [text];
    if (expanded === undefined || values === undefined) values = undefined;
    else values.push(...expanded);
  }
  if (values === undefined || fields(node, "value").length === 0) {
    reader.state.assign(variable, undefined, false);
    await reader.maybe(() => reader.sequence(body, uncertain(flow)), flow.frame);
    return "maybe";
  }
  for (const value of values) {
    reader.state.assign(variable, value, reader.sure(flow));
    await reader.sequence(body, flow);
  }
  return "yes";
}
