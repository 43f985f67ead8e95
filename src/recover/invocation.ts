import type { Context } from "../context";
import { shellWord } from "../shell/model/shell-words";
import { printable } from "../output/printable";
import type { TargetOptions } from "./survey";

/** `sudo hpiam recover --all-users`: what hints repeat, so that a printed command reaches the same homes. */
export function invokedAs(ctx: Context, options: TargetOptions): string {
  const sudo = ctx.user.sudoUser ? "sudo " : "";
  const whose = options.allUsers
    ? " --all-users"
    : options.user !== undefined
      ? ` --user ${shellWord(printable(options.user))}`
      : "";
  return `${sudo}hpiam recover${whose}`;
}
