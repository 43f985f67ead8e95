import type { PolicyResult } from "./policy";
import type { Style } from "../output/style";

/**
 * The document alone, so that `hpiam policy NAME > policy.json` is ready to apply; the managed policy ARNs one a
 * line (`--attach`, for `xargs`); or the list of names.
 */
export function renderPolicy(result: PolicyResult, style: Style): string {
  if (result.kind === "document") return `${JSON.stringify(result.document, null, 2)}\n`;
  if (result.kind === "attach") return result.attach.map((arn) => `${arn}\n`).join("");
  const width = Math.max(...result.policies.map((p) => p.name.length));
  const rows = result.policies.map(
    ({ name, title, source, flags, attach }) =>
      `  ${style.bold(name.padEnd(width))}  ${title} ${style.dim(`(${source}${flags.length ? `; ${flags.join(" ")}` : ""}${attach.length ? `; attach ${attach.length} managed` : ""})`)}`,
  );
  return `${rows.join("\n")}\n\n  hpiam policy NAME [--account ID] [--role-arn ARN] [--bucket NAME] [--data-bucket NAME] [--region REGION] > policy.json\n  hpiam policy NAME --attach    the managed policies to attach to the role, one ARN a line\n`;
}
