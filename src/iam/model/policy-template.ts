/**
 * Policy documents with placeholders (`<<ACCOUNT_ID>>`, `<<SAGEMAKER_ROLE_ARN>>`…), as the public documents
 * write them: filled from flags for `hpiam policy`, and taken apart into single permissions for the IAM checks.
 */

export interface StatementJson {
  Sid?: string;
  Effect: "Allow" | "Deny";
  Principal?: { Service: string | string[] };
  Action: string | string[];
  Resource?: string | string[];
  Condition?: Record<string, Record<string, string>>;
}

export interface PolicyJson {
  Version: "2012-10-17";
  Statement: StatementJson[];
}

export type Placeholder = "account" | "roleArn" | "bucket" | "dataBucket" | "region" | "requestedRegion";

/** What stands in a template for each value, the flag that fills it, and the default when it has one. */
export const PLACEHOLDERS: Record<Placeholder, { marker: string; flag: string; fallback?: string }> = {
  account: { marker: "<<ACCOUNT_ID>>", flag: "--account" },
  roleArn: { marker: "<<SAGEMAKER_ROLE_ARN>>", flag: "--role-arn" },
  bucket: { marker: "<<BUCKET_NAME>>", flag: "--bucket" },
  dataBucket: { marker: "<<DATA_BUCKET_NAME>>", flag: "--data-bucket" },
  region: { marker: "<<REGION>>", flag: "--region", fallback: "*" },
  // A condition on aws:RequestedRegion compares with StringEquals, where `*` matches no Region: no fallback.
  requestedRegion: { marker: "<<REQUESTED_REGION>>", flag: "--region" },
};

const ORDER = Object.keys(PLACEHOLDERS) as Placeholder[];

/** The placeholders a template holds, in a stable order. */
export function placeholdersOf(document: PolicyJson): Placeholder[] {
  const text = JSON.stringify(document);
  return ORDER.filter((placeholder) => text.includes(PLACEHOLDERS[placeholder].marker));
}

/** Fills the placeholders given (the region falls back to `*`); the others stay as their markers. */
export function fillPolicy(
  document: PolicyJson,
  values: Partial<Record<Placeholder, string>>,
): { document: PolicyJson; unfilled: Placeholder[] } {
  const present = placeholdersOf(document);
  const fills = present.flatMap((placeholder) => {
    const value = values[placeholder] ?? PLACEHOLDERS[placeholder].fallback;
    return value === undefined ? [] : [[PLACEHOLDERS[placeholder].marker, value] as const];
  });
  const unfilled = present.filter((placeholder) =>
    fills.every(([m]) => m !== PLACEHOLDERS[placeholder].marker),
  );
  const fill = (text: string) => fills.reduce((out, [marker, value]) => out.split(marker).join(value), text);
  return { document: mapStrings(document, fill), unfilled };
}

function mapStrings<T>(value: T, fill: (text: string) => string): T {
  if (typeof value === "string") return fill(value) as T;
  if (Array.isArray(value)) return value.map((item: unknown) => mapStrings(item, fill)) as T;
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, mapStrings(item as unknown, fill)]),
    ) as T;
  }
  return value;
}

/** One action on one resource that a template grants. */
export interface Permission {
  /** The template statement it comes from (index, and Sid when it has one). */
  statement: number;
  sid?: string;
  action: string;
  resource: string;
  /** The template grants it only under a condition. */
  conditional: boolean;
}

const list = (value: string | string[] | undefined) => (value === undefined ? [] : [value].flat());

/** Every action × resource the Allow statements of a (filled) template grant. */
export function permissionsOf(document: PolicyJson): Permission[] {
  return document.Statement.flatMap((statement, index) =>
    statement.Effect !== "Allow"
      ? []
      : list(statement.Action).flatMap((action) =>
          list(statement.Resource).map((resource) => ({
            statement: index,
            ...(statement.Sid ? { sid: statement.Sid } : {}),
            action,
            resource,
            conditional: statement.Condition !== undefined,
          })),
        ),
  );
}

/**
 * The part of a template that grants `missing`: its statements cut down to the missing actions and resources,
 * each keeping its Sid and Condition, so that adding it grants what was missing and nothing the template does not.
 */
export function policyFor(document: PolicyJson, missing: readonly Permission[]): PolicyJson {
  const statements = document.Statement.flatMap((statement, index) => {
    const own = missing.filter((permission) => permission.statement === index);
    if (own.length === 0) return [];
    const actions = unique(own.map((p) => p.action));
    const resources = unique(own.map((p) => p.resource));
    return [
      {
        ...statement,
        Action: actions.length === 1 ? (actions[0] as string) : actions,
        Resource: resources.length === 1 ? (resources[0] as string) : resources,
      },
    ];
  });
  return { Version: "2012-10-17", Statement: statements };
}

const unique = (items: string[]) => [...new Set(items)];
