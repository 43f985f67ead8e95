/**
 * How botocore turns the config and credentials files into profiles (`configloader.build_profile_map` and
 * `Session.full_config`, botocore 1.43), and which profile a run uses.
 */
import { undecided } from "./chain-stop";
import type { IniSections } from "./configparser";
import { shlexSplit } from "./python-forms";

/** The variables a process runs with: botocore reads AWS_PROFILE, AWS_CONFIG_FILE and the rest from them. */
export type Env = Readonly<Record<string, string | undefined>>;

export type Profile = Record<string, string>;

export interface ProfileMap {
  profiles: Record<string, Profile>;
  ssoSessions: Record<string, Profile>;
}

/** `[default]`, `[profile NAME]` and `[sso-session NAME]` of the config file; other sections are not profiles. */
export function configProfiles(sections: IniSections): ProfileMap {
  const profiles: Record<string, Profile> = {};
  const ssoSessions: Record<string, Profile> = {};
  for (const [key, values] of Object.entries(sections)) {
    const profile = configProfileName(key);
    if (profile !== undefined) profiles[profile] = values;
    else if (key.startsWith("sso-session")) assignNamed(ssoSessions, key, values);
  }
  return { profiles, ssoSessions };
}

/** The profile a config file's section names (`default`, `profile NAME`); undefined for any other section. */
export function configProfileName(header: string): string | undefined {
  if (header.startsWith("profile")) return twoWordName(header);
  return header === "default" ? header : undefined;
}

/** The config file's profiles with every section of the credentials file laid over them, key by key. */
export function fullConfig(config: IniSections, credentials: IniSections): ProfileMap {
  const { profiles, ssoSessions } = configProfiles(config);
  const merged: Record<string, Profile> = { ...profiles };
  for (const [name, values] of Object.entries(credentials)) merged[name] = { ...merged[name], ...values };
  return { profiles: merged, ssoSessions };
}

/**
 * `profile NAME` names NAME when shlex splits the header into exactly two words: `[profile "dev"]` is dev,
 * `[profile 'ops team']` is ops team, and a header shlex cannot split (an unclosed quote) names nothing.
 * shlex splits only at space, tab and line ends: a no-break space stays inside the word.
 */
function twoWordName(header: string): string | undefined {
  const split = shlexSplit(header);
  return "words" in split && split.words.length === 2 ? split.words[1] : undefined;
}

function assignNamed(into: Record<string, Profile>, header: string, values: Profile): void {
  const name = twoWordName(header);
  if (name !== undefined) into[name] = values;
}

export interface ProfileChoice {
  /** The profile the chain reads (`default` when none is named, or the name is empty). */
  name: string;
  /** The name as given, where it differs: an empty AWS_PROFILE names a profile `()` the AWS CLI looks for. */
  named?: string;
  /** Named by --profile, AWS_DEFAULT_PROFILE or AWS_PROFILE: then it must exist. */
  namedBy?: "--profile" | "AWS_DEFAULT_PROFILE" | "AWS_PROFILE";
}

/**
 * --profile, then AWS_DEFAULT_PROFILE, then AWS_PROFILE (botocore's order: the older name wins), else default.
 * The AWS CLI ignores an empty --profile; an empty variable is a name the CLI looks for (and does not find),
 * while the chain itself reads default.
 */
export function chooseProfile(env: Env, flag?: string): ProfileChoice {
  if (flag) return { name: flag, namedBy: "--profile" };
  for (const variable of ["AWS_DEFAULT_PROFILE", "AWS_PROFILE"] as const) {
    const value = env[variable];
    if (value !== undefined)
      return { name: value || "default", namedBy: variable, ...(value ? {} : { named: "" }) };
  }
  return { name: "default" };
}

/** The keys the chain reads as one value: configparser's nested block (`key =` then indented lines) is not. */
const CHAIN_KEYS = [
  "aws_access_key_id",
  "aws_secret_access_key",
  "aws_session_token",
  "aws_security_token",
  "role_arn",
  "source_profile",
  "credential_source",
  "role_session_name",
  "external_id",
  "mfa_serial",
  "duration_seconds",
  "web_identity_token_file",
  "credential_process",
  "sso_session",
  "sso_account_id",
  "sso_role_name",
];

export function checkPlainValues(profile: Profile, name: string): void {
  const nested = CHAIN_KEYS.find((key) => profile[key]?.startsWith("\n"));
  if (nested)
    undecided(
      `${nested} in [${name}]`,
      "botocore reads its indented lines as a nested block of settings, not as the one value it expects",
    );
}
