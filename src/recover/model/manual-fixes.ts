import type { NewShellOutcome } from "../../identity/model/new-shells";
import { CREDENTIAL_VARIABLES, type UndecidedForm } from "../../shell/model/shell-exports";
import { shellWord } from "../../shell/model/shell-words";
import type { LineEdit, Removal } from "../../shell/model/shell-state";

/** What these lines make a new shell of the user do: its aws stops (`broken`) or signs with local keys. */
export type NewShellEffect = Pick<NewShellOutcome, "status" | "reason">;

/** Something hpiam reports but never edits: the exact command a person runs. */
export type ManualFix =
  | {
      kind: "startup-file";
      path: string;
      lines: Array<{ line: number; variable: string }>;
      /** Some line sets keys themselves (not only which profile or file to use). */
      credential: boolean;
      /** Where a line choosing a profile or file breaks or overrides new shells; else null. */
      newShell: NewShellEffect | null;
      command: string;
    }
  /** A statement of a startup file whose effect on AWS_* names hpiam cannot decide: a person reads it. */
  | { kind: "undecided"; path: string; line: number; why: string; credential: false; command: string }
  | { kind: "environment"; variables: string[]; credential: boolean; command: string }
  /** A file of keys outside `~/.aws` that botocore reads: a variable names it, or it is machine-wide. */
  | { kind: "key-file"; path: string; variable?: string; credential: true; command: string };

/**
 * One sed per file, whose edits all refer to the file as it is now: whole lines go (`12d`), and where a line
 * holds more than the export (`export AWS_DEFAULT_REGION=… AWS_ACCESS_KEY_ID=…`, `[ … ] && export …`) only the
 * AWS name goes, or the command becomes `:`, cut by byte columns so that no value (no secret) is in the command.
 * A symbolic link is edited where it points, and the command says so. Where no sed can take the names out alone
 * (inside eval's text, or one the scan's trial on a copy refused), the command says to edit the file by hand.
 */
export function startupFileFix(
  path: string,
  found: ReadonlyArray<{
    line: number;
    variable: string;
    credential: boolean;
    removal: Removal;
    editPath?: string;
  }>,
  newShell: NewShellEffect | null = null,
): ManualFix {
  const lines = [...found].sort((a, b) => a.line - b.line);
  const fix = {
    kind: "startup-file" as const,
    path,
    lines: lines.map(({ line, variable }) => ({ line, variable })),
    credential: lines.some((line) => line.credential),
    newShell,
  };
  const byHand = [
    ...new Set(found.flatMap(({ removal }) => (removal.kind === "by-hand" ? [removal.why] : []))),
  ];
  if (byHand.length > 0) {
    const where = [...new Set(lines.map(({ variable, line }) => `${variable} (line ${line})`))].join(", ");
    const command = `# edit ${shellWord(path)} by hand, taking out ${where}: ${byHand.join("; ")}`;
    return { ...fix, command };
  }
  const target = found[0]?.editPath ?? path;
  const edits = sedEdits(found.flatMap(({ removal }) => lineEdits(removal)));
  const locale = edits.some((edit) => edit.includes("s/")) ? "LC_ALL=C " : "";
  const link = target === path ? "" : `  # ${path} is a symbolic link to this file`;
  const command = `${locale}sed -i ${edits.map((edit) => `-e '${edit}'`).join(" ")} ${shellWord(target)}${link}`;
  return { ...fix, command };
}

function lineEdits(removal: Removal): LineEdit[] {
  if (removal.kind === "edits") return removal.edits;
  return removal.kind === "by-hand" ? [] : [removal];
}

function sedEdits(removals: readonly LineEdit[]): string[] {
  const deletes = new Map<string, { line: number; edit: string }>();
  const cuts = new Map<string, Extract<LineEdit, { kind: "cut" }>>();
  for (const removal of removals) {
    if (removal.kind === "lines") {
      const { from, to } = removal;
      deletes.set(`${from},${to}`, { line: from, edit: from === to ? `${from}d` : `${from},${to}d` });
    } else cuts.set(JSON.stringify(removal), removal);
  }
  const deleted = (line: number) =>
    removals.some((r) => r.kind === "lines" && r.from <= line && line <= r.to);
  const within = (inner: Extract<LineEdit, { kind: "cut" }>) =>
    [...cuts.values()].some(
      (outer) =>
        outer !== inner &&
        outer.line === inner.line &&
        outer.column <= inner.column &&
        inner.column + inner.length <= outer.column + outer.length,
    );
  // On one line, right to left: a cut leaves the columns before it where they were.
  const kept = [...cuts.values()]
    .filter((cut) => !deleted(cut.line) && !within(cut))
    .sort((a, b) => a.line - b.line || b.column - a.column)
    .map((cut) => ({
      line: cut.line,
      edit: `${cut.line}s/^\\(.\\{${cut.column}\\}\\).\\{${cut.length}\\}/\\1${cut.replacement}/`,
    }));
  return [...deletes.values(), ...kept].sort((a, b) => a.line - b.line).map(({ edit }) => edit);
}

/** A comment, not a command: what the statement does is only known by running it. */
export function undecidedFix({ path, line, why }: UndecidedForm): ManualFix {
  const command = `# edit by hand: ${shellWord(path)}:${line} ${why}`;
  return { kind: "undecided", path, line, why, credential: false, command };
}

export function environmentFix(variables: readonly string[]): ManualFix {
  return {
    kind: "environment",
    variables: [...variables],
    credential: variables.some((name) => CREDENTIAL_VARIABLES.includes(name)),
    command: `unset ${variables.join(" ")}`,
  };
}

/**
 * Keys botocore reads from outside `~/.aws`: the variable that names the file is unset (a file of someone's
 * choosing is theirs to delete), a machine-wide /etc/boto.cfg is moved aside by root.
 */
export function keyFileFix(path: string, variable?: string): ManualFix {
  const command = variable
    ? `unset ${variable}`
    : `sudo mv ${shellWord(path)} ${shellWord(`${path}.hpiam-backup`)}`;
  return { kind: "key-file", path, ...(variable ? { variable } : {}), credential: true, command };
}

const IAM_USER = /^[\w+=,.@-]{1,64}$/;
const KEY_PART = /^[A-Z0-9]{4}$/;

/**
 * The admin's command that deactivates a leaked key, knowing only its masked id (`AKIA…WXYZ`): the full id is
 * looked up among the IAM user's keys by its first and last four characters, so hpiam never prints it.
 */
export function deactivateKeyCommand(maskedKeyId: string, iamUser: string | undefined): string | undefined {
  const [head = "", tail = ""] = maskedKeyId.split("…");
  if (!KEY_PART.test(head) || !KEY_PART.test(tail)) return undefined;
  const user = iamUser !== undefined && IAM_USER.test(iamUser) ? iamUser : "<IAM-USER>";
  const query = `AccessKeyMetadata[?starts_with(AccessKeyId, '${head}') && ends_with(AccessKeyId, '${tail}')].AccessKeyId`;
  return (
    `aws iam update-access-key --user-name ${user} --status Inactive --access-key-id ` +
    `"$(aws iam list-access-keys --user-name ${user} --query "${query}" --output text)"`
  );
}
