/**
 * IAM's wildcard matching: `*` any run of characters, `?` any one character. Action names compare without
 * regard to case, resources (ARNs) with it.
 */

export interface PatternMatch {
  matches: boolean;
  /** The pattern held a policy variable (`${aws:username}`), matched here as a wildcard: not evaluated. */
  variable: boolean;
}

/** `s3:Get*` against `s3:GetObject`; `*` alone matches every action. */
export function matchAction(pattern: string, action: string): boolean {
  return compile(pattern, { ignoreCase: true, arn: false }).regex.test(action);
}

/**
 * An ARN pattern against a resource ARN. IAM: a wildcard matches within an ARN segment (the parts separated by
 * colons); a `*` that ends a segment also matches past the colons after it.
 */
export function matchResource(pattern: string, resource: string): PatternMatch {
  const { regex, variable } = compile(pattern, { ignoreCase: false, arn: true });
  return { matches: regex.test(resource), variable };
}

/** The first of `patterns` that matches, if any (a literal match is preferred over one through a variable). */
export function matchAnyResource(patterns: readonly string[], resource: string): PatternMatch {
  const results = patterns.map((pattern) => matchResource(pattern, resource)).filter((m) => m.matches);
  if (results.length === 0) return { matches: false, variable: false };
  return { matches: true, variable: results.every((m) => m.variable) };
}

export function matchAnyAction(patterns: readonly string[], action: string): boolean {
  return patterns.some((pattern) => matchAction(pattern, action));
}

const cache = new Map<string, { regex: RegExp; variable: boolean }>();

function compile(pattern: string, { ignoreCase, arn }: { ignoreCase: boolean; arn: boolean }) {
  const key = `${ignoreCase ? "i" : "s"}${arn ? "a" : "p"}${pattern}`;
  const known = cache.get(key);
  if (known) return known;
  let source = "";
  let variable = false;
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i] ?? "";
    if (char === "$" && pattern[i + 1] === "{") {
      const end = pattern.indexOf("}", i + 2);
      if (end > 0) {
        const name = pattern.slice(i + 2, end);
        // ${*}, ${?} and ${$} are IAM's escapes for the characters themselves.
        if (name === "*" || name === "?" || name === "$") source += escape(name);
        else {
          source += arn ? "[^:]*" : ".*";
          variable = true;
        }
        i = end;
        continue;
      }
    }
    if (char === "*") {
      const endsSegment = i === pattern.length - 1 || pattern[i + 1] === ":";
      source += arn && !endsSegment ? "[^:]*" : ".*";
    } else if (char === "?") source += arn ? "[^:]" : ".";
    else source += escape(char);
  }
  const compiled = { regex: new RegExp(`^${source}$`, ignoreCase ? "is" : "s"), variable };
  if (cache.size > 5000) cache.clear();
  cache.set(key, compiled);
  return compiled;
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}
