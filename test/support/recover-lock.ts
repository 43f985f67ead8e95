import { lstat } from "node:fs/promises";
import { join } from "node:path";

/**
 * Whether recover's lock is in a home. It is a symlink whose target is its holder, not a path: existsSync,
 * which follows it, would always say no.
 */
export async function lockIn(home: string): Promise<boolean> {
  return lstat(join(home, ".aws.hpiam-lock")).then(
    () => true,
    () => false,
  );
}
