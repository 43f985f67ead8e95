import { relative } from "node:path";
import type { Context } from "../context";

/**
 * Whether a path, its symlinks followed, lands outside the home (or on the home itself). A dangling or
 * unresolvable link counts as outside: nothing is ever written through it.
 */
export async function resolvesOutside(ctx: Context, path: string, home: string): Promise<boolean> {
  try {
    const [target, base] = await Promise.all([ctx.files.realpath(path), ctx.files.realpath(home)]);
    const inside = relative(base, target);
    return inside === "" || inside.startsWith("..") || inside.startsWith("/");
  } catch {
    return true;
  }
}
