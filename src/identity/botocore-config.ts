/**
 * How botocore turns the config and credentials files into profiles (`configloader.build_profile_map` and
 * `Session.full_config`, botocore 1.43), and which profile a run uses.
 */
import type { Env } from "../context";
import type { IniSections } from "./configparser";

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
 * `profile NAME` names NAME when the header is exactly two words (botocore splits it with shlex; a quoted name
 * with spaces in it is the one form this reads differently, and no AWS tool writes one).
 */
function twoWordName(header: string): string | undefined {
  const words = header.trim().split(/\s+/u);
  return words.length === 2 ? words[1] : undefined;
}

function assignNamed(into: Record<string, Profile>, header: string, values: Profile): void {
  const name = twoWordName(header);
  if (name !== undefined) into[name] = values;
}

export interface ProfileChoice {
  /** The profile the chain reads (`default` when none is named). */
  name: string;
  /** Named by --profile, AWS_DEFAULT_PROFILE or AWS_PROFILE: then it must exist. */
  namedBy?: "--profile" | "AWS_DEFAULT_PROFILE" | "AWS_PROFILE";
}

/** --profile, then AWS_DEFAULT_PROFILE, then AWS_PROFILE (botocore's order: the older name wins), else default. */
export function chooseProfile(env: Env, flag?: string): ProfileChoice {
  if (flag !== undefined) return { name: flag || "default", namedBy: "--profile" };
  for (const variable of ["AWS_DEFAULT_PROFILE", "AWS_PROFILE"] as const) {
    const value = env[variable];
    if (value !== undefined) return { name: value || "default", namedBy: variable };
  }
  return { name: "default" };
}
