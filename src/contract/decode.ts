/**
 * A small validating decoder kit for the JSON documents hpiam prints: a decoder reads an untrusted value (another
 * node's document, say) and returns it typed, or says which field is wrong and how. Fields a document has beyond
 * the contract's are left out, not refused: an older reader still reads a newer document.
 */
import { printable } from "../output/printable";

/** Reads `value`, found at `at` (`verdict.status`, `checks[2].details`); throws a DecodeError where it is wrong. */
export type Decoder<T> = (value: unknown, at: string) => T;

export type Decoded<T> = { ok: true; value: T } | { ok: false; error: string };

class DecodeError extends Error {}

/** The decoder's answer, or its one-line reason (`verdict.status: missing (expected one of healthy, …)`). */
export function decodeWith<T>(decoder: Decoder<T>, value: unknown): Decoded<T> {
  try {
    return { ok: true, value: decoder(value, "") };
  } catch (error) {
    if (error instanceof DecodeError) return { ok: false, error: error.message };
    throw error;
  }
}

function wrong(at: string, expected: string, value: unknown): never {
  const where = at || "the document";
  throw new DecodeError(
    value === undefined
      ? `${where}: missing (expected ${expected})`
      : `${where}: expected ${expected}, found ${shown(value)}`,
  );
}

/** The value in a few printable characters: it may end up on a terminal, in a fleet report. */
function shown(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "an object";
  const text = JSON.stringify(value) ?? typeof value;
  return printable(text.length > 40 ? `${text.slice(0, 39)}…` : text);
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

const field = (at: string, key: string) => (at ? `${at}.${key}` : key);

export const string: Decoder<string> = (value, at) =>
  typeof value === "string" ? value : wrong(at, "a string", value);

export const number: Decoder<number> = (value, at) =>
  typeof value === "number" && Number.isFinite(value) ? value : wrong(at, "a number", value);

export const boolean: Decoder<boolean> = (value, at) =>
  typeof value === "boolean" ? value : wrong(at, "true or false", value);

/** Exactly this value (`schemaVersion: 1`, a variant's tag). */
export function literal<const T extends string | number | boolean | null>(expected: T): Decoder<T> {
  return (value, at) => (value === expected ? expected : wrong(at, JSON.stringify(expected), value));
}

/**
 * One of a union's members, given as a record with every member a key (`{ healthy: true, … }`): the compiler
 * then refuses a member added to the union and not here.
 */
export function oneOf<T extends string>(members: Record<T, true>): Decoder<T> {
  const names = Object.keys(members);
  const expected = `one of ${names.join(", ")}`;
  return (value, at) =>
    typeof value === "string" && Object.hasOwn(members, value) ? (value as T) : wrong(at, expected, value);
}

export function nullable<T>(decoder: Decoder<T>): Decoder<T | null> {
  return (value, at) => (value === null ? null : decoder(value, at));
}

/** A field that may be absent (it stays absent). */
export function optional<T>(decoder: Decoder<T>): Decoder<T | undefined> {
  return (value, at) => (value === undefined ? undefined : decoder(value, at));
}

export function array<T>(decoder: Decoder<T>): Decoder<T[]> {
  return (value, at) =>
    Array.isArray(value) ? value.map((item, i) => decoder(item, `${at}[${i}]`)) : wrong(at, "a list", value);
}

/** An object whose keys are data (`{ "amazon-ssm-agent": "inactive" }`), each value read by `decoder`. */
export function dictionary<T>(decoder: Decoder<T>): Decoder<Record<string, T>> {
  return (value, at) => {
    if (!isRecord(value)) return wrong(at, "an object", value);
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, decoder(item, field(at, key))]),
    );
  };
}

/** Any object, its fields unread: a part of a document the contract does not type (yet). */
export const anyObject: Decoder<Record<string, unknown>> = (value, at) =>
  isRecord(value) ? value : wrong(at, "an object", value);

/** A decoder for every field of T, optional ones too: a field added to T and not read here does not compile. */
export type Fields<T> = { [K in keyof T]-?: Decoder<T[K]> };

export function object<T extends object>(fields: Fields<T>): Decoder<T> {
  const keys = Object.keys(fields) as Array<keyof T & string>;
  return (value, at) => {
    if (!isRecord(value)) return wrong(at, "an object", value);
    const read: Record<string, unknown> = {};
    for (const key of keys) {
      const item = fields[key](Object.hasOwn(value, key) ? value[key] : undefined, field(at, key));
      if (item !== undefined) read[key] = item;
    }
    return read as T;
  };
}

/** A union of object shapes: `choose` picks the decoder from the object's fields (a tag, a field only one has). */
export function variants<T>(choose: (value: Record<string, unknown>, at: string) => Decoder<T>): Decoder<T> {
  return (value, at) => (isRecord(value) ? choose(value, at)(value, at) : wrong(at, "an object", value));
}
