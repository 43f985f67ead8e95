import type { Env, ResolvedCredentials, SharedFiles } from "../context";
import { maskKeyId } from "./mask";

export type Provider =
  | "environment"
  | "shared-credentials-file"
  | "config-file"
  | "sso"
  | "process"
  | "web-identity"
  | "container"
  | "instance-metadata"
  | "unknown";

export interface CredentialSource {
  provider: Provider;
  profile?: string;
  path?: string;
  /** Masked (`AKIA…WXYZ`). */
  accessKeyId: string;
  /** Something on this machine (variables, files) rather than the platform supplied the keys. */
  local: boolean;
  /** Static keys (`AKIA…`), as `aws configure` writes them, rather than temporary ones. */
  longTerm: boolean;
}

const LOCAL_PROVIDERS: ReadonlySet<Provider> = new Set([
  "environment",
  "shared-credentials-file",
  "config-file",
  "sso",
  "process",
]);

/** Which `$source` features name which link of the SDK's default chain, most specific first. */
const FEATURE_PROVIDERS: ReadonlyArray<[Provider, readonly string[]]> = [
  [
    "sso",
    [
      "CREDENTIALS_PROFILE_SSO",
      "CREDENTIALS_SSO",
      "CREDENTIALS_PROFILE_SSO_LEGACY",
      "CREDENTIALS_SSO_LEGACY",
    ],
  ],
  ["process", ["CREDENTIALS_PROFILE_PROCESS", "CREDENTIALS_PROCESS"]],
  [
    "web-identity",
    [
      "CREDENTIALS_ENV_VARS_STS_WEB_ID_TOKEN",
      "CREDENTIALS_PROFILE_STS_WEB_ID_TOKEN",
      "CREDENTIALS_STS_ASSUME_ROLE_WEB_ID",
    ],
  ],
  [
    "config-file",
    [
      "CREDENTIALS_PROFILE_SOURCE_PROFILE",
      "CREDENTIALS_STS_ASSUME_ROLE",
      "CREDENTIALS_PROFILE_NAMED_PROVIDER",
    ],
  ],
  ["shared-credentials-file", ["CREDENTIALS_PROFILE"]],
  ["environment", ["CREDENTIALS_ENV_VARS"]],
  ["container", ["CREDENTIALS_HTTP"]],
];

export interface AttributionInput {
  credentials: ResolvedCredentials;
  env: Env;
  /** --profile, when given. */
  profile?: string;
  files: SharedFiles;
}

/** The profile the SDK reads: --profile, then AWS_PROFILE, then `default`. */
export function activeProfile(env: Env, profile?: string): string {
  return profile ?? env.AWS_PROFILE ?? "default";
}

/** Names the link of the default chain that supplied the credentials, from the SDK's own `$source` marks. */
export function attributeSource({ credentials, env, profile, files }: AttributionInput): CredentialSource {
  const features = new Set(credentials.features);
  const matched = FEATURE_PROVIDERS.find(([, names]) => names.some((name) => features.has(name)));
  const base = {
    accessKeyId: maskKeyId(credentials.accessKeyId),
    longTerm: !credentials.hasSessionToken,
  };
  const provider: Provider = matched ? matched[0] : remoteProvider(env);
  const name = activeProfile(env, profile);
  const local = LOCAL_PROVIDERS.has(provider);

  switch (provider) {
    case "environment":
      return { ...base, provider, local };
    case "web-identity":
      return features.has("CREDENTIALS_ENV_VARS_STS_WEB_ID_TOKEN")
        ? { ...base, provider, local, path: env.AWS_WEB_IDENTITY_TOKEN_FILE }
        : { ...base, provider, local, profile: name, path: files.configPath };
    case "shared-credentials-file":
      // `CREDENTIALS_PROFILE` marks static keys from either file; the credentials file wins when both have them.
      return files.credentials[name]?.aws_access_key_id
        ? { ...base, provider, local, profile: name, path: files.credentialsPath }
        : { ...base, provider: "config-file", local, profile: name, path: files.configPath };
    case "config-file":
    case "sso":
    case "process":
      return { ...base, provider, local, profile: name, path: files.configPath };
    default:
      return { ...base, provider, local };
  }
}

/** The IMDS and container providers leave no `$source` mark; the container variables tell them apart. */
function remoteProvider(env: Env): Provider {
  return env.AWS_CONTAINER_CREDENTIALS_FULL_URI || env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI
    ? "container"
    : "instance-metadata";
}
