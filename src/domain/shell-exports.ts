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

export interface AwsAssignment {
  line: number;
  variable: string;
  /** Sets keys themselves (not just which profile or file to use). */
  credential: boolean;
}

const ASSIGNMENT = new RegExp(
  `^\\s*(?:export\\s+|declare\\s+-x\\s+|setenv\\s+)?(${[...CREDENTIAL_VARIABLES, ...SELECTION_VARIABLES].join("|")})(?:\\s*=|\\s+\\S)`,
);

/** Finds `export AWS_…=` lines in a shell startup file (or /etc/environment); the values are never kept. */
export function findAwsAssignments(text: string): AwsAssignment[] {
  return text.split(/\r?\n/).flatMap((content, index) => {
    const variable = ASSIGNMENT.exec(content)?.[1];
    return variable
      ? [{ line: index + 1, variable, credential: CREDENTIAL_VARIABLES.includes(variable) }]
      : [];
  });
}

/** Credential variables set in this process (names only). */
export function credentialVariablesIn(env: Readonly<Record<string, string | undefined>>): string[] {
  return [...CREDENTIAL_VARIABLES, ...SELECTION_VARIABLES].filter((name) => env[name]);
}
