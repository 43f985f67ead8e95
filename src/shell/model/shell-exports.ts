import type { Removal } from "./shell-state";

/** Variables that put credentials, or a choice of them, ahead of the instance profile. */
export const CREDENTIAL_VARIABLES = [
  "AWS_ACCESS_KEY_ID",
  "AWS_SECRET_ACCESS_KEY",
  "AWS_SESSION_TOKEN",
  "AWS_SECURITY_TOKEN",
];
export const SELECTION_VARIABLES = [
  "AWS_PROFILE",
  "AWS_DEFAULT_PROFILE",
  "AWS_SHARED_CREDENTIALS_FILE",
  "AWS_CONFIG_FILE",
];

export function isWatchedVariable(name: string): boolean {
  return CREDENTIAL_VARIABLES.includes(name) || SELECTION_VARIABLES.includes(name);
}

/** One statement of a startup file that makes a new shell export a watched variable; values are never kept. */
export interface StartupExport {
  path: string;
  line: number;
  variable: string;
  /** Sets keys themselves (not just which profile or file to use). */
  credential: boolean;
  /** false: only if a condition hpiam cannot decide holds ("may export"); it still counts. */
  certain: boolean;
  /** What takes it out of the file. */
  removal: Removal;
  /** The file the removal edits when `path` is a symbolic link: the one it names, not the link. */
  editPath?: string;
}

/** A statement of a file a new shell reads whose effect on the watched names hpiam cannot decide, and why. */
export interface UndecidedForm {
  path: string;
  line: number;
  why: string;
}

/** Credential variables set in this process (names only). */
export function credentialVariablesIn(env: Readonly<Record<string, string | undefined>>): string[] {
  return [...CREDENTIAL_VARIABLES, ...SELECTION_VARIABLES].filter((name) => env[name]);
}
