import type { Context } from "../context";
import type { NewShellVariables } from "../shell/model/login-shell";
import { judgeNewShells, type NewShellOutcome } from "./model/new-shells";

/** What the startup files make a new shell of this home's user do on this node: its clock, its AWS files. */
export function newShellOutcome(
  ctx: Pick<Context, "env" | "clock" | "aws">,
  shells: readonly NewShellVariables[],
  home: string,
): Promise<NewShellOutcome | undefined> {
  return judgeNewShells(shells, ctx.env, home, ctx.clock.now(), (env) => ctx.aws.botocoreFiles(env));
}
