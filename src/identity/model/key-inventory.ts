/**
 * Every place in the files botocore reads that holds keys or makes it fetch them (role_arn, credential_process,
 * SSO, login_session, a web identity token), read as botocore reads them, and which of them its chain signs with:
 * the one answer to "which keys are where, and do they win" that whoami, diagnose and recover share. Pure: the
 * files come in as the adapter read them (secrets replaced by a marker).
 */
import type { Env } from "./botocore-config";
import { maskKeyId } from "./mask";
import {
  type ChainDecision,
  type ChainInput,
  type ChainLink,
  type ReadIni,
  resolveChain,
} from "./botocore-chain";
import { configProfileName, configProfiles, fullConfig } from "./botocore-config";
import type { IniLines, IniSections } from "./configparser";

/** The links a file can make, in botocore's names. */
export type PlaceMethod = Exclude<ChainLink["method"], "env" | "container-role" | "iam-role">;

/** The variables that point botocore at another file than the usual one. */
export type FileVariable =
  "AWS_SHARED_CREDENTIALS_FILE" | "AWS_CONFIG_FILE" | "BOTO_CONFIG" | "AWS_CREDENTIAL_FILE";

export interface KeyPlace {
  path: string;
  /** The ini section as written (`profile dev`, `Credentials`); none in AWS_CREDENTIAL_FILE's `key=value` file. */
  section?: string;
  /** botocore's name of the profile (`dev` for `[profile dev]`); none in a boto config or AWS_CREDENTIAL_FILE's. */
  profile?: string;
  /** Where the setting that makes the link is (aws_access_key_id, role_arn, login_session, …), from 1. */
  line: number;
  method: PlaceMethod;
  /** Masked (`AKIA…WXYZ`), where the place holds a key id. */
  accessKeyId?: string;
  /** The role a role_arn or web identity profile becomes. */
  roleArn?: string;
  /** The variable that sends botocore to this file, when one does. */
  namedBy?: FileVariable;
  /** The profiles that sign with it when a tool names them: its own, or one assuming a role with it. */
  usedBy: string[];
  /** This run's chain (its profile and environment) signs with it. */
  wins: boolean;
}

export interface UnparseableFile {
  path: string;
  line: number;
  reason: string;
  namedBy?: FileVariable;
}

export interface KeyInventory {
  /** This run's chain, as botocore walks it. */
  chain: ChainDecision;
  places: KeyPlace[];
  /** Where the winning link is set, when a file sets it (for an assumed role: its role_arn). */
  winner?: KeyPlace;
  /** Files botocore cannot parse: it stops where it reads them. */
  unparseable: UnparseableFile[];
}

/** Every place the files of this run's chain hold keys, and which of them win, for this run and for each profile. */
export function takeInventory(input: ChainInput): KeyInventory {
  const found = placesIn(input);
  const defined = definedProfiles(input);
  const users = new Map<FoundPlace, string[]>();
  for (const name of defined.includes("default") ? defined : [...defined, "default"]) {
    for (const place of usedPlaces(chainOf(input, name, defined), found)) {
      users.set(place, [...(users.get(place) ?? []), name]);
    }
  }
  const chain = resolveChain(input);
  const winning = usedPlaces(chain, found);
  const places = found.map((place) => ({
    ...place,
    usedBy: (users.get(place) ?? []).sort(),
    wins: winning.includes(place),
  }));
  const [first] = winning;
  return {
    chain,
    places,
    ...(first ? { winner: places[found.indexOf(first)] } : {}),
    unparseable: unparseableFiles(input),
  };
}

/**
 * A tool that selects this profile reads the place: it is one of the profile's own settings (whether it wins,
 * or stops the chain half-written), or what the profile takes its keys from (a role's source, a boto config).
 */
export function readBy(place: Pick<KeyPlace, "profile" | "usedBy">, profile: string): boolean {
  return place.profile === profile || place.usedBy.includes(profile);
}

/** Holds keys (an IAM user's, as `aws configure` leaves them), rather than naming where to get them. */
export function holdsKeys(place: Pick<KeyPlace, "method">): boolean {
  return PLACE_WORDS[place.method] === STATIC_KEYS;
}

/** `static keys (AKIA…WXYZ)`, `an SSO login`, …: what a place holds, as messages name it beside `[profile]`. */
export function describePlace(place: Pick<KeyPlace, "method" | "accessKeyId">): string {
  const keyId = place.accessKeyId ? ` (${place.accessKeyId})` : "";
  return holdsKeys(place) ? `${STATIC_KEYS}${keyId}` : PLACE_WORDS[place.method];
}

/** `/home/u/.aws/credentials [default]`: the file, and the section by its profile's name where it has one. */
export function describeWhere(place: Pick<KeyPlace, "path" | "profile" | "section">): string {
  const section = place.profile ?? place.section;
  return section === undefined ? place.path : `${place.path} [${section}]`;
}

const STATIC_KEYS = "static keys";

const PLACE_WORDS: Record<PlaceMethod, string> = {
  "shared-credentials-file": STATIC_KEYS,
  "config-file": STATIC_KEYS,
  "boto-config": STATIC_KEYS,
  "ec2-credentials-file": STATIC_KEYS,
  "assume-role": "a role_arn profile",
  "assume-role-with-web-identity": "a web identity token",
  sso: "an SSO login",
  login: "an aws login session",
  "custom-process": "a credential_process",
};

type FoundPlace = Omit<KeyPlace, "usedBy" | "wins">;

function placesIn(input: ChainInput): FoundPlace[] {
  const config = parsed(input.config);
  const credentials = parsed(input.credentials);
  const merged = fullConfig(config.sections, credentials.sections).profiles;
  const live = configProfiles(config.sections).profiles;
  const fromConfig = Object.entries(config.sections).flatMap(([section, values]) => {
    const profile = configProfileName(section);
    // A profile two sections name is the later one's: botocore never reads the other.
    if (profile === undefined || live[profile] !== values) return [];
    const at = { path: input.config.path, section, profile, ...named(input.env, "AWS_CONFIG_FILE") };
    return profilePlaces(at, values, config.lines[section] ?? {}, merged[profile] ?? {}, "config-file");
  });
  const fromCredentials = Object.entries(credentials.sections).flatMap(([section, values]) => {
    const at = {
      path: input.credentials.path,
      section,
      profile: section,
      ...named(input.env, "AWS_SHARED_CREDENTIALS_FILE"),
    };
    const lines = credentials.lines[section] ?? {};
    return profilePlaces(at, values, lines, merged[section] ?? {}, "shared-credentials-file");
  });
  return [...fromCredentials, ...fromConfig, ...botoPlaces(input), ...ec2Places(input)];
}

type Where = Pick<FoundPlace, "path" | "section" | "profile" | "namedBy">;

/** The settings of one section that make botocore take a link, each where it is set. */
function profilePlaces(
  at: Where,
  values: Record<string, string>,
  lines: Record<string, number>,
  profile: Record<string, string>,
  keysMethod: "shared-credentials-file" | "config-file",
): FoundPlace[] {
  const place = (method: PlaceMethod, options: string[], extra: Partial<FoundPlace> = {}) => {
    const set = options.filter((option) => option in values);
    if (set.length === 0) return [];
    return [{ ...at, line: Math.min(...set.map((option) => lines[option] ?? 1)), method, ...extra }];
  };
  const roleArn = (arn: string | undefined) => (arn === undefined ? {} : { roleArn: arn });
  return [
    // An empty token file name makes no link (botocore tests it for truth).
    ...(values.web_identity_token_file
      ? place("assume-role-with-web-identity", ["web_identity_token_file"], roleArn(profile.role_arn))
      : []),
    ...("web_identity_token_file" in profile
      ? []
      : place("assume-role", ["role_arn"], roleArn(values.role_arn))),
    ...place("sso", ["sso_account_id", "sso_role_name"]),
    ...place("login", ["login_session"]),
    ...place("custom-process", ["credential_process"]),
    ...place(keysMethod, ["aws_access_key_id", "aws_secret_access_key"], keyId(values.aws_access_key_id)),
  ];
}

/** A boto config's [Credentials], in each file botocore would look in. */
function botoPlaces(input: ChainInput): FoundPlace[] {
  return input.botoFiles.flatMap((file) => {
    const { sections, lines } = parsed(file);
    const values = sections.Credentials;
    const set = ["aws_access_key_id", "aws_secret_access_key"].filter((key) => values && key in values);
    if (!values || set.length === 0) return [];
    return [
      {
        path: file.path,
        section: "Credentials",
        line: Math.min(...set.map((key) => lines.Credentials?.[key] ?? 1)),
        method: "boto-config" as const,
        ...keyId(values.aws_access_key_id),
        ...named(input.env, "BOTO_CONFIG"),
      },
    ];
  });
}

function ec2Places(input: ChainInput): FoundPlace[] {
  const file = input.ec2CredentialFile;
  const set = ["AWSAccessKeyId", "AWSSecretKey"].filter((key) => file?.values && key in file.values);
  if (!file || set.length === 0) return [];
  return [
    {
      path: file.path,
      line: Math.min(...set.map((key) => file.lines?.[key] ?? 1)),
      method: "ec2-credentials-file",
      ...keyId(file.values?.AWSAccessKeyId),
      namedBy: "AWS_CREDENTIAL_FILE",
    },
  ];
}

/** The places a decision signs with: the winning link's, and for an assumed role its source's too. */
function usedPlaces(decision: ChainDecision, places: readonly FoundPlace[]): FoundPlace[] {
  if (decision.kind !== "link") return [];
  const walk = (link: ChainLink): FoundPlace[] => {
    const here =
      "path" in link && link.path !== undefined
        ? places.filter(
            (place) =>
              place.method === link.method &&
              place.path === link.path &&
              place.profile === ("profile" in link ? link.profile : undefined),
          )
        : [];
    return link.method === "assume-role" ? [...here, ...walk(link.source)] : here;
  };
  return walk(decision.link);
}

/**
 * What a tool that names this profile signs with (--profile: the environment's keys aside). A default no file
 * defines cannot be named: it is what the files give with nothing named.
 */
function chainOf(input: ChainInput, name: string, defined: readonly string[]): ChainDecision {
  return defined.includes(name)
    ? resolveChain({ ...input, profileFlag: name })
    : resolveChain({ ...input, env: {}, profileFlag: undefined });
}

function definedProfiles(input: ChainInput): string[] {
  return Object.keys(fullConfig(parsed(input.config).sections, parsed(input.credentials).sections).profiles);
}

function unparseableFiles(input: ChainInput): UnparseableFile[] {
  const files: Array<[ReadIni, FileVariable]> = [
    [input.credentials, "AWS_SHARED_CREDENTIALS_FILE"],
    [input.config, "AWS_CONFIG_FILE"],
    ...input.botoFiles.map((file): [ReadIni, FileVariable] => [file, "BOTO_CONFIG"]),
  ];
  return files.flatMap(([file, variable]) =>
    file.state === "broken"
      ? [{ path: file.path, line: file.line, reason: file.reason, ...named(input.env, variable) }]
      : [],
  );
}

/** A file's sections and lines; one botocore cannot parse holds no place (the chain stops at it instead). */
function parsed(file: ReadIni): { sections: IniSections; lines: IniLines } {
  return file.state === "parsed" ? file : { sections: {}, lines: {} };
}

function named(env: Env, variable: FileVariable): { namedBy?: FileVariable } {
  return env[variable] === undefined ? {} : { namedBy: variable };
}

function keyId(id: string | undefined): { accessKeyId?: string } {
  return id === undefined ? {} : { accessKeyId: maskKeyId(id) };
}
