import type { Env } from "../context";

/** The styles hpiam's output uses, each a function of the text it marks. */
export type Style = Record<
  "bold" | "dim" | "green" | "red" | "yellow" | "cyan" | "magenta",
  (text: string) => string
>;

const asIs = (text: string) => text;

/** No colour (a pipe, NO_COLOR, --no-color): the text as it is. */
export const plainStyle: Style = {
  bold: asIs,
  dim: asIs,
  green: asIs,
  red: asIs,
  yellow: asIs,
  cyan: asIs,
  magenta: asIs,
};

/**
 * Decided once: --no-color, then NO_COLOR, then FORCE_COLOR, then whether stdout is a terminal. chalk is loaded
 * only where there is colour: a script's run (srun, SSM, a timer) does without it.
 */
export async function createStyle(options: { color: boolean; env: Env; isTTY: boolean }): Promise<Style> {
  if (colorLevel(options) === 0) return plainStyle;
  const { Chalk } = await import("chalk");
  return new Chalk({ level: 1 });
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
