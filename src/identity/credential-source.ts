/**
 * Names the link of the chain that supplied the keys: botocore's link (the answer), and the SDK for
 * JavaScript's own pick from its `$source` marks (the second opinion, for Node.js tools).
 */
import type { Env, JsChainOpinion, ResolvedCredentials } from "../context";
import { maskKeyId } from "../domain/mask";
import type { ChainLink } from "./botocore-chain";

export type Provider =
  | "environment"
  | "shared-credentials-file"
  | "config-file"
  | "sso"
  | "login"
  | "process"
  | "web-identity"
  | "ec2-credentials-file"
  | "boto-config"
  | "container"
  | "instance-metadata"
  | "unknown";

export interface CredentialSource {
  provider: Provider;
  /** botocore's name for the link (`env`, `assume-role`, `boto-config`, `iam-role`, …). */
  method: ChainLink["method"] | null;
  profile?: string;
  path?: string;
  /** The role a profile assumes (`role_arn`), or a web identity's. */
  roleArn?: string;
  /** Masked (`AKIA…WXYZ`). */
  accessKeyId: string;
  /** Something on this machine (variables, files) rather than the platform supplied the keys. */
  local: boolean;
  /** Static keys (`AKIA…`), as `aws configure` writes them, rather than temporary ones. */
  longTerm: boolean;
}

const PROVIDERS: Record<ChainLink["method"], Provider> = {
  env: "environment",
  "assume-role": "config-file",
  "assume-role-with-web-identity": "web-identity",
  sso: "sso",
  "shared-credentials-file": "shared-credentials-file",
  login: "login",
  "custom-process": "process",
  "config-file": "config-file",
  "ec2-credentials-file": "ec2-credentials-file",
  "boto-config": "boto-config",
  "container-role": "container",
  "iam-role": "instance-metadata",
};

const REMOTE: ReadonlySet<Provider> = new Set(["web-identity", "container", "instance-metadata"]);

/** Where a link of botocore's chain takes its keys from, before any are fetched. */
export function linkSource(link: ChainLink): Omit<CredentialSource, "accessKeyId" | "longTerm"> {
  const provider = PROVIDERS[link.method];
  return {
    provider,
    method: link.method,
    ...("profile" in link && link.profile !== undefined ? { profile: link.profile } : {}),
    ...("path" in link && link.path !== undefined ? { path: link.path } : {}),
    ...(link.method === "assume-role-with-web-identity" && !link.path ? { path: link.tokenFile } : {}),
    ...("roleArn" in link ? { roleArn: link.roleArn } : {}),
    local: !REMOTE.has(provider),
  };
}

/** The link botocore picked, with the keys it gave. */
export function attributeLink(link: ChainLink, credentials: ResolvedCredentials): CredentialSource {
  return {
    ...linkSource(link),
    accessKeyId: maskKeyId(credentials.accessKeyId),
    longTerm: !credentials.hasSessionToken,
  };
}

/** Which `$source` features name which link of the JS SDK's default chain, most specific first. */
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

/** What Node.js tools would sign with instead: the JS chain's pick, from its `$source` marks. */
export function attributeJsChain(opinion: JsChainOpinion, env: Env, profile?: string): CredentialSource {
  const features = new Set(opinion.features);
  const matched = FEATURE_PROVIDERS.find(([, names]) => names.some((name) => features.has(name)));
  const provider: Provider = matched ? matched[0] : remoteProvider(env);
  // The JS SDK reads --profile, then AWS_PROFILE (never AWS_DEFAULT_PROFILE).
  const named =
    provider === "environment" || REMOTE.has(provider)
      ? {}
      : { profile: profile ?? env.AWS_PROFILE ?? "default" };
  return {
    provider,
    method: null,
    ...named,
    accessKeyId: maskKeyId(opinion.accessKeyId),
    local: !REMOTE.has(provider),
    longTerm: opinion.accessKeyId.startsWith("AKIA"),
  };
}

/** The IMDS and container providers leave no `$source` mark; the container variables tell them apart. */
function remoteProvider(env: Env): Provider {
  return env.AWS_CONTAINER_CREDENTIALS_FULL_URI || env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI
    ? "container"
    : "instance-metadata";
}
