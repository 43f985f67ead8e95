import type { AwsOptions, Context } from "../context";
import { identification } from "../identity/identify";
import { parseArn } from "../identity/model/arn";
import { managedPolicyArn } from "./model/eks-role-policies";
import {
  fillPolicy,
  PLACEHOLDERS,
  type Placeholder,
  placeholdersOf,
  type PolicyJson,
} from "./model/policy-template";
import {
  isPolicyName,
  POLICY_CATALOG,
  POLICY_NAMES,
  type PolicyName,
  type PolicySource,
} from "./model/policy-catalog";
import { UsageError } from "../errors";

export interface PolicyOptions extends AwsOptions {
  list?: boolean;
  /** `--attach`: only the ARNs of the managed policies to attach, one a line. */
  attach?: boolean;
  account?: string;
  roleArn?: string;
  bucket?: string;
  dataBucket?: string;
}

export interface PolicySummary {
  name: PolicyName;
  title: string;
  source: PolicySource;
  /** The flags that fill its placeholders. */
  flags: string[];
  /** The managed policies to attach to the role, by ARN. */
  attach: string[];
}

export type PolicyResult =
  | { schemaVersion: 1; kind: "list"; policies: PolicySummary[] }
  | { schemaVersion: 1; kind: "attach"; name: PolicyName; attach: string[] }
  | {
      schemaVersion: 1;
      kind: "document";
      name: PolicyName;
      title: string;
      source: PolicySource;
      /** How to apply it, with `<ROLE>` for the role's name. */
      applyTo: string;
      document: PolicyJson;
      /** The managed policies to attach to the role too (aws iam attach-role-policy), by ARN. */
      attach: string[];
      /** Placeholders left in the document: no flag (or caller identity) gave their value. */
      unfilled: Array<{ marker: string; flag: string }>;
      accountFrom: "flag" | "role-arn" | "caller-identity" | null;
    };

/** A policy of the catalog, filled in from flags, ready for `aws iam put-role-policy` (or the list of them). */
export async function policy(
  name: string | undefined,
  options: PolicyOptions,
  ctx: Context,
): Promise<PolicyResult> {
  if (options.list) return { schemaVersion: 1, kind: "list", policies: POLICY_NAMES.map(summarise) };
  if (name === undefined || !isPolicyName(name)) {
    throw new UsageError(
      name === undefined ? "policy: name a policy" : `policy: no policy named "${name}"`,
      `Valid names: ${POLICY_NAMES.join(", ")} (hpiam policy --list).`,
    );
  }
  const values = validate(options);
  const chosen = POLICY_CATALOG[name];
  const attach = chosen.attach.map((policyName) => managedPolicyArn(policyName));
  if (options.attach) {
    if (attach.length === 0) ctx.log.info(`hpiam: ${name} comes with no managed policy to attach`);
    return { schemaVersion: 1, kind: "attach", name, attach };
  }
  const needs = placeholdersOf(chosen.document);
  for (const placeholder of ["account", "roleArn", "bucket", "dataBucket"] as const) {
    if (values[placeholder] !== undefined && !needs.includes(placeholder))
      ctx.log.info(`hpiam: ${PLACEHOLDERS[placeholder].flag} is not used by ${name}`);
  }
  let accountFrom: "flag" | "role-arn" | "caller-identity" | null = values.account ? "flag" : null;
  const roleAccount = values.roleArn ? parseArn(values.roleArn)?.account : undefined;
  if (values.account && roleAccount && roleAccount !== values.account && needs.includes("account")) {
    // A document naming two accounts grants in one what the role lives in the other: almost always a typo.
    ctx.log.info(
      `hpiam: warning: --account ${values.account} differs from the account of --role-arn (${roleAccount}); the policy names both: check which one you mean`,
    );
  }
  if (!values.account && values.roleArn) {
    values.account = parseArn(values.roleArn)?.account;
    accountFrom = "role-arn";
  }
  if (!values.account && needs.includes("account")) {
    const found = await identification(ctx.aws, options);
    if (found.identity?.account) {
      values.account = found.identity.account;
      accountFrom = "caller-identity";
      ctx.log.info(`hpiam: account ${values.account} from the caller identity (--account to choose another)`);
    }
  }
  const { document, unfilled } = fillPolicy(chosen.document, values);
  for (const placeholder of unfilled) {
    const { marker, flag } = PLACEHOLDERS[placeholder];
    ctx.log.info(`hpiam: ${marker} is left in the policy: give ${flag} to fill it`);
  }
  for (const arn of attach)
    ctx.log.info(
      `hpiam: attach to the role too: aws iam attach-role-policy --role-name <ROLE> --policy-arn ${arn}`,
    );
  return {
    schemaVersion: 1,
    kind: "document",
    name,
    title: chosen.title,
    source: chosen.source,
    applyTo: chosen.applyTo,
    document,
    attach,
    unfilled: unfilled.map((placeholder) => ({
      marker: PLACEHOLDERS[placeholder].marker,
      flag: PLACEHOLDERS[placeholder].flag,
    })),
    accountFrom: needs.includes("account") ? accountFrom : null,
  };
}

function summarise(name: PolicyName): PolicySummary {
  const { title, source, document, attach } = POLICY_CATALOG[name];
  const flags = [...new Set(placeholdersOf(document).map((p) => PLACEHOLDERS[p].flag))];
  return { name, title, source, flags, attach: attach.map((policyName) => managedPolicyArn(policyName)) };
}

function validate(options: PolicyOptions): Partial<Record<Placeholder, string>> {
  const { account, roleArn, bucket, dataBucket, region } = options;
  if (account !== undefined && !/^\d{12}$/.test(account))
    throw new UsageError(`--account: "${account}" is not an AWS account id`, "Give the 12 digits.");
  if (roleArn !== undefined) {
    const arn = parseArn(roleArn);
    if (!arn || arn.service !== "iam" || !arn.resource.startsWith("role/"))
      throw new UsageError(
        `--role-arn: "${roleArn}" is not a role ARN`,
        "Give one like arn:aws:iam::123456789012:role/service-role/MyExecutionRole.",
      );
  }
  for (const [flag, value] of [
    ["--bucket", bucket],
    ["--data-bucket", dataBucket],
  ] as const) {
    if (value !== undefined && !/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(value))
      throw new UsageError(
        `${flag}: "${value}" is not an S3 bucket name`,
        "Give the bucket's name, not an s3:// URL.",
      );
  }
  const values: Partial<Record<Placeholder, string>> = {
    account,
    roleArn,
    bucket,
    dataBucket,
    region,
    requestedRegion: region,
  };
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined));
}
