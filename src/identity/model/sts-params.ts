/**
 * botocore validates an operation's parameters against the service model before it sends anything; for the
 * roles it assumes only the minimum lengths and values can fail (the model's maximums and patterns are the
 * service's to check). The report lists the parameters in the order botocore built them.
 */
const MINIMUM: Record<string, number> = {
  RoleSessionName: 2,
  ExternalId: 2,
  SerialNumber: 9,
  DurationSeconds: 900,
  RoleArn: 20,
  WebIdentityToken: 4,
};

/** botocore's lines for the parameters below their minimum (string lengths count code points, as Python). */
export function parameterReport(params: ReadonlyArray<[string, string | number | undefined]>): string[] {
  const report: string[] = [];
  for (const [name, value] of params) {
    const min = MINIMUM[name];
    if (value === undefined || min === undefined) continue;
    if (typeof value === "number") {
      if (value < min)
        report.push(`Invalid value for parameter ${name}, value: ${value}, valid min value: ${min}`);
    } else if ([...value].length < min) {
      report.push(
        `Invalid length for parameter ${name}, value: ${[...value].length}, valid min length: ${min}`,
      );
    }
  }
  return report;
}

/** AssumeRole's: a configured session name first (an empty one is replaced by a generated one in place). */
export function assumeRoleReport(role: {
  roleArn: string;
  sessionName?: string;
  externalId?: string;
  durationSeconds?: number;
}): string[] {
  return parameterReport([
    ["RoleSessionName", role.sessionName || undefined],
    ["ExternalId", role.externalId],
    ["DurationSeconds", role.durationSeconds],
    ["RoleArn", role.roleArn],
  ]);
}

/** AssumeRoleWithWebIdentity's, the token as Python read it. */
export function webIdentityReport(role: { roleArn: string; sessionName?: string }, token: string): string[] {
  return parameterReport([
    ["RoleSessionName", role.sessionName || undefined],
    ["RoleArn", role.roleArn],
    ["WebIdentityToken", token],
  ]);
}
