import { globToRegExp, not, type Tri, tri } from "./shell-syntax";

export interface FileFacts {
  kind: "file" | "directory" | "other";
  size: number;
  mode: number;
}

/** What a file test may ask: absent (undefined), there, or "unknown" (it could not be looked at). */
export type FileProbe = (path: string) => Promise<FileFacts | undefined | "unknown">;

const FILE_TESTS: Record<string, (facts: FileFacts) => boolean> = {
  "-a": () => true,
  "-e": () => true,
  "-r": () => true,
  "-w": () => true,
  "-f": (facts) => facts.kind === "file",
  "-d": (facts) => facts.kind === "directory",
  "-s": (facts) => facts.size > 0,
  "-x": (facts) => (facts.mode & 0o111) !== 0,
};
const BINARY = new Set(["=", "==", "!=", "-eq", "-ne", "-lt", "-le", "-gt", "-ge", "=~", "<", ">"]);

/**
 * `test`, `[ … ]` and `[[ … ]]` over their words (undefined: a word whose value the reading cannot know).
 * `patterns`: `[[ ]]`, where the right side of `==` and `!=` is a glob.
 */
export async function evaluateTest(
  args: ReadonlyArray<string | undefined>,
  probe: FileProbe,
  patterns: boolean,
): Promise<Tri> {
  let at = 0;
  const peek = (offset = 0) => args[at + offset];
  const more = (offset = 0) => at + offset < args.length;

  const or = async (): Promise<Tri> => {
    let left = await and();
    while (more() && (peek() === "-o" || peek() === "||")) {
      at++;
      const right = await and();
      left = left === "yes" || right === "yes" ? "yes" : left === "no" && right === "no" ? "no" : "maybe";
    }
    return left;
  };
  const and = async (): Promise<Tri> => {
    let left = await negation();
    while (more() && (peek() === "-a" || peek() === "&&")) {
      at++;
      const right = await negation();
      left = left === "no" || right === "no" ? "no" : left === "yes" && right === "yes" ? "yes" : "maybe";
    }
    return left;
  };
  const negation = async (): Promise<Tri> => {
    if (peek() === "!" && more(1)) {
      at++;
      return not(await negation());
    }
    return primary();
  };
  const primary = async (): Promise<Tri> => {
    const word = args[at++];
    if (word === "(") {
      const inner = await or();
      at++; // ")"
      return inner;
    }
    const operator = peek();
    if (more(1) && operator !== undefined && BINARY.has(operator)) {
      const right = args[at + 1];
      at += 2;
      return compare(word, operator, right, patterns);
    }
    if (word !== undefined && more() && (word === "-n" || word === "-z" || word in FILE_TESTS)) {
      const operand = args[at++];
      if (operand === undefined) return "maybe";
      if (word === "-n" || word === "-z") return tri((operand === "") === (word === "-z"));
      return fileTest(word, operand, probe);
    }
    return word === undefined ? "maybe" : tri(word !== "");
  };

  if (args.length === 0) return "no";
  return or();
}

async function fileTest(operator: string, path: string, probe: FileProbe): Promise<Tri> {
  const facts = await probe(path);
  if (facts === "unknown") return "maybe";
  return tri(facts !== undefined && (FILE_TESTS[operator]?.(facts) ?? false));
}

function compare(
  left: string | undefined,
  operator: string,
  right: string | undefined,
  patterns: boolean,
): Tri {
  if (left === undefined || right === undefined || operator === "=~") return "maybe";
  if (operator === "=" || operator === "==" || operator === "!=") {
    const same = patterns ? globToRegExp(right).test(left) : left === right;
    return tri(same === (operator !== "!="));
  }
  if (operator === "<" || operator === ">") return tri(operator === "<" ? left < right : left > right);
  const [a, b] = [Number(left), Number(right)];
  if (!/^-?\d+$/.test(left.trim()) || !/^-?\d+$/.test(right.trim())) return "maybe";
  const results: Record<string, boolean> = {
    "-eq": a === b,
    "-ne": a !== b,
    "-lt": a < b,
    "-le": a <= b,
    "-gt": a > b,
    "-ge": a >= b,
  };
  return tri(results[operator] ?? false);
}
