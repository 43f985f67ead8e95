/**
 * Which link of botocore's default credential chain supplies the keys, or where it stops with an error:
 * `create_credential_resolver` in botocore/credentials.py, matched against botocore 1.43.11 (AWS CLI 1.45) and
 * tested against the real AWS CLI. Pure: the files come in parsed (secrets replaced by a marker), and the
 * credentials of the winning link are fetched by the adapter.
 */
import {
  checkPlainValues,
  chooseProfile,
  configProfiles,
  type Env,
  fullConfig,
  type Profile,
  type ProfileChoice,
} from "./botocore-config";
import { type ChainError, chainErrors } from "./chain-errors";
import { ChainStop, ChainUndecidable, type ChainUndecided, sectionsOf, stop, undecided } from "./chain-stop";
import { checkExpiry } from "./expiry";
import { imdsReached, imdsSettings, type ImdsSettings } from "./imds-settings";
import type { IniLines, IniSections } from "./configparser";
import { pythonInt, urlHostname } from "./python-forms";

/** A file as botocore finds it: not there (skipped), or parsed, or unparseable (an error where it is read). */
export type ReadIni =
  | { path: string; state: "absent" }
  | { path: string; state: "parsed"; sections: IniSections; lines: IniLines }
  | { path: string; state: "broken"; line: number; reason: string };

export interface ChainInput extends ChainFiles {
  env: Env;
  /** --profile. */
  profileFlag?: string;
  /** For keys that say when they expire. */
  now: Date;
}

/** The files botocore reads, where the environment sends it. */
export interface ChainFiles {
  config: ReadIni;
  credentials: ReadIni;
  /** AWS_CREDENTIAL_FILE's `key=value` lines, when the variable is set (undefined values: no such file). */
  ec2CredentialFile?: { path: string; values?: Record<string, string>; lines?: Record<string, number> };
  /** BOTO_CONFIG's file, else /etc/boto.cfg then ~/.boto, in that order. */
  botoFiles: ReadIni[];
}

export type ChainLink =
  | { method: "env"; variable: "AWS_ACCESS_KEY_ID" }
  | {
      method: "assume-role";
      profile: string;
      roleArn: string;
      sessionName?: string;
      externalId?: string;
      mfaSerial?: string;
      durationSeconds?: number;
      /** The file that defines role_arn for the profile. */
      path: string;
      /** credential_source, where it names the link that signs the AssumeRole call. */
      credentialSource?: string;
      /** What signs the AssumeRole call. */
      source: ChainLink;
    }
  | {
      method: "assume-role-with-web-identity";
      roleArn: string;
      tokenFile: string;
      sessionName?: string;
      /** Set by AWS_WEB_IDENTITY_TOKEN_FILE, or by the profile (named) of the file at path. */
      profile?: string;
      path?: string;
    }
  | { method: "sso" | "login"; profile: string; path: string }
  | { method: "custom-process"; profile: string; path: string; command: string }
  | { method: "shared-credentials-file" | "config-file" | "boto-config"; profile?: string; path: string }
  | { method: "ec2-credentials-file"; path: string }
  | { method: "container-role" }
  /** attempts: metadata_service_num_attempts (0 when botocore asks nothing). */
  | { method: "iam-role"; attempts?: number };

/**
 * The link that signs; or where botocore stops (the AWS CLI's error); or a setting whose effect hpiam cannot
 * evaluate exactly (the verdict is then unknown, never healthy).
 */
export type ChainDecision =
  | { kind: "link"; link: ChainLink; profile: ProfileChoice }
  | { kind: "broken"; error: ChainError; profile: ProfileChoice }
  | { kind: "undecided"; undecided: ChainUndecided; profile: ProfileChoice };

const CANONICAL_SOURCES: Record<string, "env" | "container-role" | "iam-role"> = {
  Environment: "env",
  EcsContainer: "container-role",
  Ec2InstanceMetadata: "iam-role",
};

/** The link that wins, in botocore's order; the instance metadata service is the last resort. */
export function resolveChain(input: ChainInput): ChainDecision {
  const profile = chooseProfile(input.env, input.profileFlag);
  try {
    return { kind: "link", link: walk(input, profile), profile };
  } catch (error) {
    const decision = stoppedBy(error, profile);
    if (decision) return decision;
    throw error;
  }
}

/** The decision a stop or an undecidable setting makes, where fetching the link's keys raised one. */
export function stoppedBy(error: unknown, profile: ProfileChoice): ChainDecision | undefined {
  if (error instanceof ChainStop) return { kind: "broken", error: error.detail, profile };
  if (error instanceof ChainUndecidable) return { kind: "undecided", undecided: error.detail, profile };
  return undefined;
}

function walk(input: ChainInput, choice: ProfileChoice): ChainLink {
  const { env } = input;
  // The session reads both files before anything else: an unparseable one stops every AWS command.
  const config = sectionsOf(input.config);
  const credentials = sectionsOf(input.credentials);
  const full = fullConfig(config, credentials);
  const asked = choice.named ?? choice.name;
  if (choice.namedBy && !(asked in full.profiles)) stop(chainErrors.profileNotFound(choice));
  // Checked as the chain is built, before any link is asked.
  const imds = imdsSettings(env, full.profiles[asked] ?? {});
  const envAllowed = choice.namedBy !== "--profile";
  const name = choice.name;

  if (envAllowed && env.AWS_ACCESS_KEY_ID) return environmentKeys(input);
  const profile = full.profiles[name] ?? {};
  if (isAssumeRole(profile)) return assumeRole(input, full.profiles, name, [name], imds);
  return (
    profileLinks(input, full, name, envAllowed) ??
    ec2CredentialFile(input) ??
    botoConfig(input) ??
    (env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI !== undefined ||
    env.AWS_CONTAINER_CREDENTIALS_FULL_URI !== undefined
      ? { method: "container-role" }
      : { method: "iam-role", ...imdsReached(imds) })
  );
}

/** `EnvProvider`: both keys, and an expiry (when set) that has not passed. */
function environmentKeys({ env, now }: ChainInput): ChainLink {
  if (!env.AWS_SECRET_ACCESS_KEY) stop(chainErrors.partial("env", "AWS_SECRET_ACCESS_KEY"));
  if (env.AWS_CREDENTIAL_EXPIRATION)
    checkExpiry(env.AWS_CREDENTIAL_EXPIRATION, "AWS_CREDENTIAL_EXPIRATION", now);
  return { method: "env", variable: "AWS_ACCESS_KEY_ID" };
}

/** `ProfileProviderBuilder.providers`: web identity, SSO, credentials file, login, process, config file. */
function profileLinks(
  input: ChainInput,
  full: ReturnType<typeof fullConfig>,
  name: string,
  envAllowed: boolean,
): ChainLink | undefined {
  const profile = full.profiles[name] ?? {};
  checkPlainValues(profile, name);
  const fromEnv = (variable: string) => (envAllowed ? input.env[variable] : undefined);
  const tokenFile = fromEnv("AWS_WEB_IDENTITY_TOKEN_FILE") ?? profile.web_identity_token_file;
  if (tokenFile) {
    const roleArn = fromEnv("AWS_ROLE_ARN") ?? profile.role_arn;
    if (!roleArn) stop(chainErrors.webIdentityWithoutRole());
    const sessionName = fromEnv("AWS_ROLE_SESSION_NAME") ?? profile.role_session_name;
    const byEnv = fromEnv("AWS_WEB_IDENTITY_TOKEN_FILE") !== undefined;
    return {
      method: "assume-role-with-web-identity",
      roleArn,
      tokenFile,
      ...(sessionName !== undefined ? { sessionName } : {}),
      ...(byEnv ? {} : { profile: name, path: definedIn(input, name, "web_identity_token_file") }),
    };
  }
  if ("sso_role_name" in profile || "sso_account_id" in profile) {
    checkSso(profile, full.ssoSessions, name);
    return { method: "sso", profile: name, path: definedIn(input, name, "sso_account_id", "sso_role_name") };
  }
  const credentialsSection = sectionsOf(input.credentials)[name];
  if (credentialsSection && "aws_access_key_id" in credentialsSection) {
    if (!("aws_secret_access_key" in credentialsSection))
      stop(chainErrors.partial("shared-credentials-file", "aws_secret_access_key"));
    return { method: "shared-credentials-file", profile: name, path: input.credentials.path };
  }
  if ("login_session" in profile)
    return { method: "login", profile: name, path: definedIn(input, name, "login_session") };
  if (profile.credential_process !== undefined) {
    const path = definedIn(input, name, "credential_process");
    return { method: "custom-process", profile: name, path, command: profile.credential_process };
  }
  const configSection = configProfiles(sectionsOf(input.config)).profiles[name];
  if (configSection && "aws_access_key_id" in configSection) {
    if (!("aws_secret_access_key" in configSection))
      stop(chainErrors.partial("config-file", "aws_secret_access_key"));
    return { method: "config-file", profile: name, path: input.config.path };
  }
  return undefined;
}

/** `SSOProvider._load_sso_config`: a profile that starts SSO must have the rest of it. */
function checkSso(profile: Profile, sessions: Record<string, Profile>, name: string): void {
  let resolved = profile;
  const required = ["sso_role_name", "sso_account_id", "sso_start_url", "sso_region"];
  if (profile.sso_session !== undefined) {
    const session = sessions[profile.sso_session];
    if (!session) stop(chainErrors.ssoSessionMissing(profile.sso_session));
    resolved = { ...session, ...profile };
    required.push("sso_session");
  }
  const missing = required.filter((key) => !(key in resolved));
  if (missing.length > 0) stop(chainErrors.ssoIncomplete(name, missing));
}

/** `OriginalEC2Provider`: only when AWS_CREDENTIAL_FILE is set; a file that is not there stops the chain. */
function ec2CredentialFile(input: ChainInput): ChainLink | undefined {
  const file = input.ec2CredentialFile;
  if (!file) return undefined;
  if (!file.values) stop(chainErrors.configNotFound(file.path));
  if (!("AWSAccessKeyId" in file.values)) return undefined;
  if (!("AWSSecretKey" in file.values)) stop(chainErrors.keyError("AWSSecretKey"));
  return { method: "ec2-credentials-file", path: file.path };
}

/** `BotoProvider`: the first boto file whose [Credentials] has a key id. */
function botoConfig(input: ChainInput): ChainLink | undefined {
  for (const file of input.botoFiles) {
    const section = sectionsOf(file).Credentials;
    if (!section || !("aws_access_key_id" in section)) continue;
    if (!("aws_secret_access_key" in section))
      stop(chainErrors.partial("boto-config", "aws_secret_access_key"));
    return { method: "boto-config", path: file.path };
  }
  return undefined;
}

const CONTAINER_HOSTS = ["169.254.170.2", "169.254.170.23", "fd00:ec2::23", "localhost"];

/**
 * `ContainerMetadataFetcher._validate_allowed_url`: https, a loopback address or one of ECS's and EKS's hosts;
 * any other host stops the chain before a request is made.
 */
export function checkContainerHost(uri: string): void {
  if (/^https:/iu.test(uri)) return;
  const host = urlHostname(uri);
  if (host === undefined)
    undecided("the container credentials URI", `hpiam does not follow how Python splits the URL "${uri}"`);
  if (host !== null && (isLoopback(host) || CONTAINER_HOSTS.includes(host))) return;
  stop(chainErrors.containerHost(host));
}

/** Python's `ip_address(host).is_loopback` for a dotted IPv4 address (no leading zeros): 127.0.0.0/8. */
function isLoopback(host: string): boolean {
  const octets = host.split(".");
  return (
    octets.length === 4 &&
    octets[0] === "127" &&
    octets.every((octet) => /^(?:0|[1-9]\d{0,2})$/u.test(octet) && Number(octet) <= 255)
  );
}

function isAssumeRole(profile: Profile): boolean {
  return "role_arn" in profile && !("web_identity_token_file" in profile);
}

function hasStaticKeys(profile: Profile): boolean {
  return "aws_access_key_id" in profile || "aws_secret_access_key" in profile;
}

/** `AssumeRoleProvider`: validates source_profile / credential_source, following source profiles. */
function assumeRole(
  input: ChainInput,
  profiles: Record<string, Profile>,
  name: string,
  visited: string[],
  imds: ImdsSettings,
): ChainLink {
  const profile = profiles[name] ?? {};
  checkPlainValues(profile, name);
  const { source_profile: sourceProfile, credential_source: credentialSource } = profile;
  const role = {
    method: "assume-role" as const,
    profile: name,
    roleArn: profile.role_arn ?? "",
    path: definedIn(input, name, "role_arn"),
    ...optional("sessionName", profile.role_session_name),
    ...optional("externalId", profile.external_id),
    ...optional("mfaSerial", profile.mfa_serial),
    ...durationOf(profile.duration_seconds, name),
  };
  if (credentialSource !== undefined && sourceProfile !== undefined) stop(chainErrors.bothSources(name));
  if (credentialSource === undefined && sourceProfile === undefined)
    stop(chainErrors.partial("assume-role", "source_profile or credential_source"));
  if (credentialSource !== undefined) {
    const method = Object.hasOwn(CANONICAL_SOURCES, credentialSource)
      ? CANONICAL_SOURCES[credentialSource]
      : undefined;
    if (!method) stop(chainErrors.badCredentialSource(credentialSource, name));
    return { ...role, credentialSource, source: namedSource(input, method, name, credentialSource, imds) };
  }
  const sourceName = sourceProfile ?? "";
  const source = profiles[sourceName];
  if (!source) stop(chainErrors.sourceProfileMissing(sourceName, name));
  if (visited.includes(sourceName) && (sourceName !== name || !hasStaticKeys(source)))
    stop(chainErrors.loop(sourceName, visited));
  const path = [...visited, sourceName];
  if (hasStaticKeys(source) || !("role_arn" in source)) {
    const full = fullConfig(sectionsOf(input.config), sectionsOf(input.credentials));
    const link = profileLinks(input, full, sourceName, false);
    if (!link) stop(chainErrors.sourceWithoutCredentials(sourceName));
    return { ...role, source: link };
  }
  return { ...role, source: assumeRole(input, profiles, sourceName, path, imds) };
}

/** `CanonicalNameCredentialSourcer`: the named provider alone; when it finds nothing, botocore says so. */
function namedSource(
  input: ChainInput,
  method: "env" | "container-role" | "iam-role",
  profile: string,
  canonical: string,
  imds: ImdsSettings,
): ChainLink {
  const { env } = input;
  if (method === "iam-role") return { method, ...imdsReached(imds) };
  if (method === "container-role") {
    if (
      env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI === undefined &&
      env.AWS_CONTAINER_CREDENTIALS_FULL_URI === undefined
    )
      stop(chainErrors.emptyCredentialSource(canonical, profile));
    return { method };
  }
  if (!env.AWS_ACCESS_KEY_ID) stop(chainErrors.emptyCredentialSource(canonical, profile));
  return environmentKeys(input);
}

/** The credentials file when its section of the profile sets one of the keys (it wins the merge), else config. */
function definedIn(input: ChainInput, name: string, ...keys: string[]): string {
  const section = sectionsOf(input.credentials)[name];
  return section && keys.some((key) => key in section) ? input.credentials.path : input.config.path;
}

function optional<K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, string>);
}

/** `int(duration_seconds)`; botocore drops a value that is not an integer. */
function durationOf(text: string | undefined, profile: string): { durationSeconds?: number } {
  if (text === undefined) return {};
  const seconds = pythonInt(text);
  if (seconds === "unsure")
    undecided(
      `duration_seconds in [${profile}]`,
      `Python's int() reads "${text}" in ways hpiam does not follow`,
    );
  return seconds === "invalid" ? {} : { durationSeconds: seconds };
}
