/**
 * IAM policy documents as IAM hands them out (JSON, URL-encoded JSON from GetRole / GetRolePolicy /
 * GetPolicyVersion, or an object), reduced to statements whose list fields are always lists.
 */

export type Effect = "Allow" | "Deny";

/** A statement with its single-or-list fields made lists; a field the statement leaves out is undefined. */
export interface Statement {
  sid?: string;
  effect: Effect;
  action?: string[];
  notAction?: string[];
  resource?: string[];
  notResource?: string[];
  /** Trust policies: `{ Service: [...], AWS: [...] }`, or `"*"` as `{ "*": ["*"] }`. */
  principal?: Record<string, string[]>;
  notPrincipal?: Record<string, string[]>;
  /** Kept as written: hpiam never evaluates conditions, it reports them. */
  condition?: Record<string, unknown>;
}

export interface PolicyDocument {
  /** Where the document came from (`inline HyperPodExecutionPolicy`, `managed arn:…`), for reports. */
  source: string;
  statements: Statement[];
}

export type ParsedPolicy =
  { ok: true; policy: PolicyDocument } | { ok: false; source: string; error: string };

/** Parses one document; never throws. */
export function parsePolicy(document: unknown, source: string): ParsedPolicy {
  const value = typeof document === "string" ? decodePolicyText(document) : document;
  if (value === undefined) return { ok: false, source, error: "not JSON (nor URL-encoded JSON)" };
  if (!isObject(value)) return { ok: false, source, error: "not a JSON object" };
  const raw = value.Statement;
  const list = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  const statements: Statement[] = [];
  for (const [index, entry] of list.entries()) {
    const statement = parseStatement(entry);
    if (typeof statement === "string")
      return { ok: false, source, error: `Statement ${index}: ${statement}` };
    statements.push(statement);
  }
  return { ok: true, policy: { source, statements } };
}

/** The JSON value of a document as IAM returns it (plain or URL-encoded JSON); undefined when it is neither. */
export function decodePolicyText(text: string): unknown {
  for (const candidate of [text, safeDecode(text)]) {
    if (candidate === undefined) continue;
    try {
      return JSON.parse(candidate) as unknown;
    } catch {
      // try the URL-decoded form next
    }
  }
  return undefined;
}

function safeDecode(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}

function parseStatement(entry: unknown): Statement | string {
  if (!isObject(entry)) return "not an object";
  const effect = entry.Effect;
  if (effect !== "Allow" && effect !== "Deny") return `Effect must be "Allow" or "Deny"`;
  const statement: Statement = { effect };
  if (typeof entry.Sid === "string") statement.sid = entry.Sid;
  const lists = [
    ["Action", "action"],
    ["NotAction", "notAction"],
    ["Resource", "resource"],
    ["NotResource", "notResource"],
  ] as const;
  for (const [key, field] of lists) {
    if (entry[key] === undefined) continue;
    const list = stringList(entry[key]);
    if (!list) return `${key} must be a string or a list of strings`;
    statement[field] = list;
  }
  if (statement.action && statement.notAction) return "has both Action and NotAction";
  if (!statement.action && !statement.notAction) return "has neither Action nor NotAction";
  for (const [key, field] of [
    ["Principal", "principal"],
    ["NotPrincipal", "notPrincipal"],
  ] as const) {
    if (entry[key] === undefined) continue;
    const principal = principalMap(entry[key]);
    if (!principal) return `${key} must be "*" or a map of principal lists`;
    statement[field] = principal;
  }
  if (entry.Condition !== undefined) {
    if (!isObject(entry.Condition)) return "Condition must be an object";
    statement.condition = entry.Condition;
  }
  return statement;
}

function principalMap(value: unknown): Record<string, string[]> | undefined {
  if (value === "*") return { "*": ["*"] };
  if (!isObject(value)) return undefined;
  const map: Record<string, string[]> = {};
  for (const [kind, names] of Object.entries(value)) {
    const list = stringList(names);
    if (!list) return undefined;
    map[kind] = list;
  }
  return map;
}

function stringList(value: unknown): string[] | undefined {
  if (typeof value === "string") return [value];
  if (Array.isArray(value) && value.every((item) => typeof item === "string")) return value;
  return undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
