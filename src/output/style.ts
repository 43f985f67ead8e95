import { Chalk, type ChalkInstance } from "chalk";
import type { Env } from "../context";

export type Style = ChalkInstance;

/** Decided once: --no-color, then NO_COLOR, then FORCE_COLOR, then whether stdout is a terminal. */
export function createStyle({ color, env, isTTY }: { color: boolean; env: Env; isTTY: boolean }): Style {
  return new Chalk({ level: colorLevel({ color, env, isTTY }) });
}

export function colorLevel({ color, env, isTTY }: { color: boolean; env: Env; isTTY: boolean }): 0 | 1 {
  if (!color) return 0;
  if (env.NO_COLOR) return 0;
  if (env.FORCE_COLOR !== undefined) return env.FORCE_COLOR === "0" || env.FORCE_COLOR === "false" ? 0 : 1;
  return isTTY ? 1 : 0;
}

/** Aligns `label  value` rows into a block a person reads in a second. */
/** Rows without a value (undefined, a JSON document's `null`, empty) are left out. */
export function keyValueBlock(
  rows: ReadonlyArray<[string, string | null | undefined]>,
  style: Style,
): string {
  const shown = rows.filter((row): row is [string, string] => typeof row[1] === "string" && row[1] !== "");
  const width = Math.max(0, ...shown.map(([label]) => label.length));
  return shown.map(([label, value]) => `  ${style.dim(label.padEnd(width))}  ${value}`).join("\n");
}
