/**
 * What boto3 and the AWS CLI do in a new shell of the user, given what its startup files export: botocore's chain
 * (the model whoami judges with) resolved in that shell's environment. A profile or file variable there that
 * makes it stop (`broken`) or sign with local keys (`overridden`), where it would not without those exports, is
 * the startup files' doing, whatever this process's own chain says.
 */
import type { Env } from "./botocore-config";
import type { NewShellVariables } from "../../shell/model/login-shell";
import { isWatchedVariable, SELECTION_VARIABLES } from "../../shell/model/shell-exports";
import { type ChainDecision, type ChainFiles, resolveChain } from "./botocore-chain";
import { linkSource } from "./credential-source";
import { describeSource } from "./verdict";

export interface NewShellOutcome {
  status: "broken" | "overridden";
  /** One line: what AWS tools do in a new shell. */
  reason: string;
  /** The profile or file variables the startup files export that make it so. */
  variables: string[];
}

/**
 * The first shell the startup files break or override, if any. Key variables are left to their own finding
 * (they always fail); this judges what the variables that choose a profile or a file do.
 */
export async function judgeNewShells(
  shells: readonly NewShellVariables[],
  env: Env,
  home: string,
  now: Date,
  chainFiles: (env: Env) => Promise<ChainFiles>,
): Promise<NewShellOutcome | undefined> {
  // A new login starts without this session's own AWS_* variables: it has what its startup files export.
  const fresh: Env = {
    ...Object.fromEntries(Object.entries(env).filter(([name]) => !isWatchedVariable(name))),
    HOME: home,
  };
  const resolve = async (shellEnv: Env) =>
    resolveChain({ env: shellEnv, now, ...(await chainFiles(shellEnv)) });
  let without: Promise<ChainDecision> | undefined;
  for (const shell of shells) {
    const chosen = Object.entries(shell).filter(([name]) => SELECTION_VARIABLES.includes(name));
    // A name the reading cannot know (a command's output) cannot be resolved: reported, not judged.
    if (chosen.length === 0 || chosen.some(([, value]) => value === undefined)) continue;
    const decision = await resolve({ ...fresh, ...Object.fromEntries(chosen) });
    const outcome = judged(decision);
    if (!outcome) continue;
    without ??= resolve(fresh);
    if (sameEnd(decision, await without)) continue;
    return { ...outcome, variables: chosen.map(([name]) => name).sort() };
  }
  return undefined;
}

function judged(decision: ChainDecision): Omit<NewShellOutcome, "variables"> | undefined {
  if (decision.kind === "broken")
    return { status: "broken", reason: `new shells stop with: ${decision.error.message}` };
  // Never read as fine: what hpiam cannot evaluate in a new shell's chain fails it as a stop would.
  if (decision.kind === "undecided")
    return {
      status: "broken",
      reason: `hpiam cannot tell what new shells sign with (${decision.undecided.setting}: ${decision.undecided.why})`,
    };
  const source = linkSource(decision.link);
  if (!source.local) return undefined;
  return {
    status: "overridden",
    reason: `new shells sign with ${describeSource(source)}, not the instance profile`,
  };
}

function sameEnd(a: ChainDecision, b: ChainDecision): boolean {
  if (a.kind === "link" && b.kind === "link")
    return JSON.stringify(linkSource(a.link)) === JSON.stringify(linkSource(b.link));
  return (
    a.kind !== "link" && b.kind !== "link" && JSON.stringify(outcomeOf(a)) === JSON.stringify(outcomeOf(b))
  );
}

const outcomeOf = (decision: Exclude<ChainDecision, { kind: "link" }>) =>
  decision.kind === "broken" ? decision.error.message : decision.undecided;
