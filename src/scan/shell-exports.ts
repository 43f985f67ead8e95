import { join } from "node:path";
import type { Context } from "../context";
import { type AwsAssignment, findAwsAssignments } from "../domain/shell-exports";

/** Per-user startup files a login or interactive shell reads. */
export const USER_STARTUP_FILES = [
  ".bashrc",
  ".bash_profile",
  ".bash_login",
  ".profile",
  ".zshrc",
  ".zprofile",
  ".zshenv",
];
export const SYSTEM_STARTUP_FILES = ["/etc/environment", "/etc/profile", "/etc/bash.bashrc"];
export const SYSTEM_STARTUP_DIR = "/etc/profile.d";

export interface ExportFinding extends AwsAssignment {
  path: string;
}

/** `file:line` of every AWS_* assignment in a user's startup files (and, with `system`, the machine's). */
export async function findShellExports(
  ctx: Context,
  home: string,
  { system = true }: { system?: boolean } = {},
): Promise<ExportFinding[]> {
  const paths = USER_STARTUP_FILES.map((name) => join(home, name));
  if (system) {
    const profileD = await ctx.files.readdir(SYSTEM_STARTUP_DIR).catch(() => []);
    paths.push(
      ...SYSTEM_STARTUP_FILES,
      ...profileD
        .filter((name) => name.endsWith(".sh"))
        .sort()
        .map((name) => join(SYSTEM_STARTUP_DIR, name)),
    );
  }
  const found = await Promise.all(
    paths.map(async (path) => {
      const text = await ctx.files.readText(path, { maxBytes: 1024 * 1024 }).catch(() => undefined);
      return text === undefined ? [] : findAwsAssignments(text).map((hit) => ({ path, ...hit }));
    }),
  );
  return found.flat();
}
