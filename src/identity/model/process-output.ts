/**
 * What botocore makes of a credential_process's output (`ProcessProvider._retrieve_credentials_using`): JSON
 * with Version 1 and the two keys, else its exact error; keys that have expired stop the chain. Output Python
 * would read differently than JSON.parse (NaN, other errors) is undecidable.
 */
import { chainErrors } from "./chain-errors";
import { checkExpiry } from "./expiry";
import { stop, undecided } from "./chain-stop";
import { jsonValueError, pythonTypeName } from "./python-forms";

export interface ProcessKeys {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

const FIX = "make the credential_process command print its keys as JSON with Version 1, or remove it";

export function processKeys(stdout: string, where: string, now: Date): ProcessKeys {
  const failed = (detail: string): never => stop(chainErrors.retrieval("custom-process", detail, FIX));
  let parsed: unknown;
  try {
    parsed = JSON.parse(stdout);
  } catch {
    const error = jsonValueError(stdout);
    if (error === undefined)
      undecided(where, "its output is not JSON that hpiam can read as Python's json does");
    stop(chainErrors.python(error, FIX));
  }
  const type = pythonTypeName(parsed, stdout);
  if (type !== "dict") stop(chainErrors.python(`'${type}' object has no attribute 'get'`, FIX));
  const fields = parsed as Record<string, unknown>;
  const version = fields.Version;
  if (version !== 1 && version !== true) failed(unsupported(version, where));
  for (const key of ["AccessKeyId", "SecretAccessKey"]) {
    if (!(key in fields)) failed(`Missing required key in response: '${key}'`);
  }
  const { AccessKeyId: id, SecretAccessKey: secret, SessionToken: token, Expiration: expiration } = fields;
  if (typeof id !== "string" || typeof secret !== "string" || !["string", "undefined"].includes(typeof token))
    undecided(where, "it prints keys that are not strings");
  if (expiration !== undefined && expiration !== null) {
    if (typeof expiration !== "string") undecided(where, "it prints an Expiration that is not a string");
    checkExpiry(expiration, where, now);
  }
  return { accessKeyId: id, secretAccessKey: secret, ...(token ? { sessionToken: token as string } : {}) };
}

/** `Unsupported version '…'`, the value as Python's str() prints it. */
function unsupported(version: unknown, where: string): string {
  const text =
    version === undefined
      ? "<Version key not provided>"
      : typeof version === "string"
        ? version
        : version === null
          ? "None"
          : version === false
            ? "False"
            : typeof version === "number" && Number.isInteger(version)
              ? String(version)
              : undecided(where, "its Version is neither 1 nor a plain value");
  return `Unsupported version '${text}' for credential process provider, supported versions: 1`;
}
