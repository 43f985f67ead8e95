import { printable } from "../domain/printable";

/** A JSON object another node printed: its fields are read with the two guards below, never trusted. */
export type Doc = Record<string, unknown>;

export const record = (value: unknown): Doc | undefined =>
  typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Doc) : undefined;

/** A string field, with control characters escaped: it ends up on the admin's terminal. */
export const text = (value: unknown): string | null => (typeof value === "string" ? printable(value) : null);
