/**
 * Where botocore stops with an error instead of moving on to the next link: the message is the one the AWS
 * CLI prints (botocore/exceptions.py), the fix what a person does about it.
 */
import type { ProfileChoice } from "./botocore-config";
import { pythonRepr } from "./python-forms";

export interface ChainError {
  kind:
    | "profile-not-found"
    | "partial-credentials"
    | "parse-error"
    | "invalid-config"
    | "loop"
    | "config-not-found"
    | "retrieval-failed"
    | "invalid-parameter"
    | "expired"
    | "needs-mfa-code";
  /** What the AWS CLI prints (its first part, where the rest comes from the failing link). */
  message: string;
  /** What the failing link said, where hpiam's fetch of it failed (it may word it unlike botocore). */
  detail?: string;
  fix: string;
  /** botocore's name of the link at fault (`env`, `shared-credentials-file`, …), where it names one. */
  provider?: string;
  /** The file (and line) at fault, where there is one. */
  path?: string;
  line?: number;
}

const invalid = (message: string, fix: string): ChainError => ({ kind: "invalid-config", message, fix });

export const chainErrors = {
  profileNotFound: (choice: ProfileChoice): ChainError => ({
    kind: "profile-not-found",
    message: `The config profile (${choice.named ?? choice.name}) could not be found`,
    fix:
      choice.namedBy === "--profile"
        ? `name a profile that exists (aws configure list-profiles), or drop --profile`
        : `unset ${choice.namedBy} (it names a profile no file defines)`,
  }),
  partial: (provider: string, missing: string): ChainError => ({
    kind: "partial-credentials",
    provider,
    message: `Partial credentials found in ${provider}, missing: ${missing}`,
    fix:
      provider === "env"
        ? "unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN"
        : `remove the half-written keys (hpiam recover moves ~/.aws aside)`,
  }),
  parse: (path: string, line: number, reason: string): ChainError => ({
    kind: "parse-error",
    message: `Unable to parse config file: ${path}`,
    fix: `fix or remove line ${line} of ${path} (${reason})`,
    path,
    line,
  }),
  configNotFound: (path: string): ChainError => ({
    kind: "config-not-found",
    message: `The specified config file (${path}) could not be found.`,
    fix: "unset AWS_CREDENTIAL_FILE (it names a file that is not there)",
    path,
  }),
  keyError: (key: string): ChainError => ({
    kind: "partial-credentials",
    message: `'${key}'`,
    fix: "unset AWS_CREDENTIAL_FILE, or remove the key id from the file it names",
  }),
  webIdentityWithoutRole: (): ChainError =>
    invalid(
      "The provided profile or the current environment is configured to assume role with web identity but has no role ARN configured. Ensure that the profile has the role_arnconfiguration set or the AWS_ROLE_ARN env var is set.",
      "set AWS_ROLE_ARN (or role_arn in the profile), or unset AWS_WEB_IDENTITY_TOKEN_FILE",
    ),
  bothSources: (profile: string): ChainError =>
    invalid(
      `The profile "${profile}" contains both source_profile and credential_source.`,
      `keep one of source_profile and credential_source in [${profile}]`,
    ),
  badCredentialSource: (source: string, profile: string): ChainError =>
    invalid(
      `The credential source "${source}" referenced in profile "${profile}" is not valid.`,
      "credential_source takes Environment, Ec2InstanceMetadata or EcsContainer",
    ),
  emptyCredentialSource: (source: string, profile: string): ChainError => ({
    kind: "retrieval-failed",
    message: `Error when retrieving credentials from ${source}: No credentials found in credential_source referenced in profile ${profile}`,
    fix: `give [${profile}]'s credential_source something to read, or remove the profile`,
  }),
  sourceProfileMissing: (source: string, profile: string): ChainError =>
    invalid(
      `The source_profile "${source}" referenced in the profile "${profile}" does not exist.`,
      `define [${source}], or point source_profile of [${profile}] at a profile that exists`,
    ),
  sourceWithoutCredentials: (source: string): ChainError =>
    invalid(`The source profile "${source}" must have credentials.`, `give [${source}] credentials`),
  loop: (source: string, visited: readonly string[]): ChainError => ({
    kind: "loop",
    message: `Infinite loop in credential configuration detected. Attempting to load from profile ${source} which has already been visited. Visited profiles: [${visited.map((name) => `'${name}'`).join(", ")}]`,
    fix: `break the source_profile loop through ${[...visited, source].join(" → ")}`,
  }),
  ssoSessionMissing: (session: string): ChainError =>
    invalid(
      `The specified sso-session does not exist: "${session}"`,
      `define [sso-session ${session}] in the config file`,
    ),
  ssoIncomplete: (profile: string, missing: readonly string[]): ChainError =>
    invalid(
      `The profile "${profile}" is configured to use SSO but is missing required configuration: ${missing.join(", ")}`,
      `run aws configure sso --profile ${profile}, or remove its sso_* keys`,
    ),
  notAnInteger: (setting: string, value: string): ChainError =>
    invalid(
      `invalid literal for int() with base 10: ${pythonRepr(value)}`,
      `give ${setting} a whole number of ${setting.includes("TIMEOUT") || setting.endsWith("timeout") ? "seconds" : "attempts"}, or unset it`,
    ),
  imdsEndpoint: (endpoint: string): ChainError =>
    invalid(
      `Invalid endpoint EC2 Instance Metadata endpoint: ${endpoint}`,
      "set AWS_EC2_METADATA_SERVICE_ENDPOINT to a URL such as http://169.254.169.254, or unset it",
    ),
  imdsEndpointMode: (mode: string): ChainError =>
    invalid(
      `Invalid EC2 Instance Metadata endpoint mode: ${mode} Valid endpoint modes (case-insensitive): ('ipv4', 'ipv6').`,
      "set the IMDS endpoint mode to IPv4 or IPv6, or unset it",
    ),
  imdsTimeout: (seconds: number): ChainError =>
    invalid(
      `An HTTP Client raised an unhandled exception: Attempted to set connect timeout to ${seconds}, but the timeout cannot be set to a value less than or equal to 0.`,
      "unset AWS_METADATA_SERVICE_TIMEOUT (and metadata_service_timeout), or give it 1 or more seconds",
    ),
  containerHost: (host: string | null): ChainError =>
    invalid(
      `Unsupported host '${host ?? "None"}'.  Can only retrieve metadata from a loopback address or one of these hosts: 169.254.170.2, 169.254.170.23, fd00:ec2::23, localhost`,
      "unset AWS_CONTAINER_CREDENTIALS_FULL_URI outside a container, or point it at https:// or a loopback address",
    ),
  /** botocore's validation of the AssumeRole call's parameters, before it is sent. */
  parameters: (report: readonly string[], fix: string): ChainError => ({
    kind: "invalid-parameter",
    message: `Parameter validation failed:\n${report.join("\n")}`,
    fix: `${fix} (role_arn takes 20 or more characters, role_session_name and external_id 2 or more, duration_seconds 900 or more, a web identity token 4 or more)`,
  }),
  /** Keys whose expiry has passed: botocore refreshes them once, gets the same, and stops. */
  stillExpired: (where: string): ChainError => ({
    kind: "expired",
    message: "Credentials were refreshed, but the refreshed credentials are still expired.",
    fix: `${where} gives keys that have expired: renew them or remove that setting`,
  }),
  mfaCode: (serial: string, profile: string): ChainError => ({
    kind: "needs-mfa-code",
    message: `Enter MFA code for ${serial}:`,
    fix: `[${profile}] asks for an MFA code at each new session (mfa_serial): boto3 scripts and the AWS CLI without a terminal cannot sign; use a profile without mfa_serial on the node`,
  }),
  /** What Python raised where botocore does not catch it (a file it opens, a command it splits). */
  python: (message: string, fix: string): ChainError => ({ kind: "retrieval-failed", message, fix }),
  retrieval: (provider: string, detail: string, fix: string): ChainError => ({
    kind: "retrieval-failed",
    message:
      provider === "sso" ? "Error loading SSO Token" : `Error when retrieving credentials from ${provider}`,
    detail,
    fix,
  }),
};
