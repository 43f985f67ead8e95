import type { CliResult } from "./cli";

/**
 * The project's notes number the public documents it follows ("seed 000"); users know them by their titles
 * (docs/sources.md). No text a user reads may name them by those numbers, or call anything a seed.
 */
export const DOCUMENT_NUMBER = /seeds? ?0\d\d/i;
export const SEED_WORD = /\bseeds?\b/i;

export interface Shown {
  /** The command line, for the failure message. */
  argv: string;
  /** stdout and stderr, white space folded: help wraps lines at any word. */
  text: string;
}

type Run = (args: string[]) => Promise<CliResult>;

/**
 * Everything `hpiam` prints without touching AWS: `--help` of the program and of every command and subcommand
 * (found from the help itself, so a new command is covered), and `policy --list` and every policy, for a person
 * and as JSON.
 */
export async function userFacingText(run: Run): Promise<Shown[]> {
  const shown: Shown[] = [];
  const show = async (args: string[]) => {
    const result = await run(args);
    shown.push({
      argv: `hpiam ${args.join(" ")}`,
      text: `${result.stdout}\n${result.stderr}`.replace(/\s+/g, " "),
    });
    return result;
  };
  const walk = async (path: string[]): Promise<void> => {
    const help = await show([...path, "--help"]);
    for (const command of commandsIn(help.stdout)) await walk([...path, command]);
  };
  await walk([]);
  await show(["policy", "--list"]);
  const list = await show(["policy", "--list", "--json"]);
  // Every flag a policy can take, so that no policy asks STS for the account.
  const flags = ["--account", "123456789012", "--role-arn", "arn:aws:iam::123456789012:role/R"];
  for (const { name } of list.json.policies as Array<{ name: string }>) {
    await show([
      "policy",
      name,
      ...flags,
      "--bucket",
      "b-1",
      "--data-bucket",
      "d-1",
      "--region",
      "us-west-2",
    ]);
    await show(["policy", name, ...flags, "--json"]);
  }
  return shown;
}

/** The command names a help text lists under "Commands:", but `help` itself. */
function commandsIn(help: string): string[] {
  const section = help.split(/^Commands:$/m)[1] ?? "";
  return [...section.matchAll(/^ {2}([a-z][\w-]*)/gm)]
    .map((match) => match[1] ?? "")
    .filter((name) => name !== "help");
}
