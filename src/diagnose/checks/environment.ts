import { environmentFix, startupFileFix } from "../../recover/model/manual-fixes";
import { CREDENTIAL_VARIABLES, credentialVariablesIn } from "../../shell/model/shell-exports";
import type { ExportFinding } from "../../shell/find-exports";
import { type Check, type CheckOutcome, foldFindings } from "./check";
import { profileChoiceFindings } from "./profile-choice";

/** AWS_* credential variables in this process, and `export AWS_…` lines in shell startup files (file:line). */
export const environment: Check<"environment"> = {
  id: "environment",
  title: "AWS variables and shell startup files",
  async run({ facts, options }, ctx) {
    const [{ exports, undecided }, onNode, identity, newShell] = await Promise.all([
      facts.shellStartup(),
      facts.onNode(),
      facts.identity(),
      facts.newShell(),
    ]);
    // What a new shell does counts as whoami's verdict would: broken anywhere, overridden where a role is.
    const blamed = newShell?.status === "broken" || onNode ? newShell : undefined;
    const variables = credentialVariablesIn(ctx.env);
    // Off a node there is no instance profile to override: keys in variables are how laptops work.
    const finding = (keys: boolean, message: string, remediation?: string): CheckOutcome =>
      keys && !onNode
        ? { status: "pass", message }
        : { status: keys ? "fail" : "warn", message, ...(remediation ? { remediation } : {}) };
    const choices = profileChoiceFindings(ctx.env, identity, options.profile);
    const findings: CheckOutcome[] = [...choices];
    if (variables.length > 0) {
      const keys = variables.some((name) => CREDENTIAL_VARIABLES.includes(name));
      const message = `${variables.join(", ")} set in this process's environment`;
      // A variable a finding above already unsets (with why) is not unset a second time.
      const rest = variables.filter((name) => !choices.some((choice) => choice.unsets === name));
      findings.push(finding(keys, message, rest.length > 0 ? environmentFix(rest).command : undefined));
    }
    for (const [path, lines] of byFile(exports)) {
      const message = lines.map((line) => describeExport(line, path)).join(", ");
      const remediation = startupFileFix(path, lines).command;
      const breaks = blamed && lines.some((line) => blamed.variables.includes(line.variable));
      findings.push(
        breaks
          ? { status: "fail", message: `${message} — ${blamed.reason}`, remediation }
          : finding(
              lines.some((line) => line.credential),
              message,
              remediation,
            ),
      );
    }
    // What a new shell may export by a form hpiam cannot follow: never a pass (README: Shell startup files).
    for (const { path, line, why } of undecided) {
      const message = `cannot tell what ${path}:${line} exports: ${why}`;
      findings.push({ status: "error", message, remediation: `review ${path}:${line} by hand` });
    }
    const details = {
      variables,
      startupLines: exports.map(({ path, line, variable, certain }) => ({ path, line, variable, certain })),
      newShell: blamed ?? null,
      undecided,
    };
    return foldFindings(
      findings,
      { status: "pass", message: "no AWS_* credential variables set or exported by shell startup files" },
      details,
    );
  },
};

/** "may" where it depends on a condition hpiam cannot decide: it still fails the check. */
export function describeExport(found: ExportFinding, path = found.path): string {
  return `${found.variable} at ${path}:${found.line}${found.certain ? "" : " (may be exported)"}`;
}

function byFile(exports: readonly ExportFinding[]): Map<string, ExportFinding[]> {
  const files = new Map<string, ExportFinding[]>();
  for (const found of exports) files.set(found.path, [...(files.get(found.path) ?? []), found]);
  return files;
}
