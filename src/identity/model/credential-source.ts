/**
 * Names the link of the chain that supplied the keys: botocore's link (the answer), and the SDK for
 * JavaScript's own pick from its `$source` marks (the second opinion, for Node.js tools).
 */
import type { Env } from "./botocore-config";
import { maskKeyId } from "./mask";
import type { ChainLink } from "./botocore-chain";
import type { KeyPlace } from "./key-inventory";

/** The keys of the link botocore's chain picked; the secret never leaves the adapter. */
export interface ResolvedCredentials {
  accessKeyId: string;
  hasSessionToken: boolean;
  expiration?: Date;
}

/** What the SDK for JavaScript's own chain picked, where it would sign with other keys than botocore's. */
export interface JsChainOpinion {
  accessKeyId: string;
  /** Names of that SDK's `$source` features (`CREDENTIALS_ENV_VARS`, `CREDENTIALS_PROFILE`, …). */
  features: string[];
}

/** The JSON contract's word for a link (README: `credentialSource.provider`); code reads `method`. */
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
  | "instance-metadata";

export interface CredentialSource {
  provider: Provider;
  /** botocore's name for the link (`env`, `assume-role`, `boto-config`, `iam-role`, …). */
  method: ChainLink["method"];
  profile?: string;
  path?: string;
  /** The line of that file that makes the link (aws_access_key_id, role_arn, …). */
  line?: number;
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

/** The links the platform serves (a token exchange, a container endpoint, IMDS) rather than this machine. */
const REMOTE: ReadonlySet<ChainLink["method"]> = new Set([
  "assume-role-with-web-identity",
  "container-role",
  "iam-role",
]);

/** Where a link of botocore's chain takes its keys from, before any are fetched, and the line that sets it. */
export function linkSource(
  link: ChainLink,
  place?: Pick<KeyPlace, "line">,
): Omit<CredentialSource, "accessKeyId" | "longTerm"> {
  return {
    provider: PROVIDERS[link.method],
    method: link.method,
    ...("profile" in link && link.profile !== undefined ? { profile: link.profile } : {}),
    ...("path" in link && link.path !== undefined ? { path: link.path } : {}),
    ...(link.method === "assume-role-with-web-identity" && !link.path ? { path: link.tokenFile } : {}),
    ...(place ? { line: place.line } : {}),
    ...("roleArn" in link ? { roleArn: link.roleArn } : {}),
    local: !REMOTE.has(link.method),
  };
}

/** The link botocore picked, with the keys it gave, and the line that sets it where a file does. */
export function attributeLink(
  link: ChainLink,
  credentials: ResolvedCredentials,
  place?: Pick<KeyPlace, "line">,
): CredentialSource {
  return {
    ...linkSource(link, place),
    accessKeyId: maskKeyId(credentials.accessKeyId),
    longTerm: !credentials.hasSessionToken,
  };
}

/** Which `$source` features name which link of the JS SDK's default chain (in botocore's names), most specific first. */
const FEATURE_METHODS: ReadonlyArray<[ChainLink["method"], readonly string[]]> = [
  [
    "sso",
    [
      "CREDENTIALS_PROFILE_SSO",
      "CREDENTIALS_SSO",
      "CREDENTIALS_PROFILE_SSO_LEGACY",
      "CREDENTIALS_SSO_LEGACY",
    ],
  ],
  ["custom-process", ["CREDENTIALS_PROFILE_PROCESS", "CREDENTIALS_PROCESS"]],
  [
    "assume-role-with-web-identity",
    [
      "CREDENTIALS_ENV_VARS_STS_WEB_ID_TOKEN",
      "CREDENTIALS_PROFILE_STS_WEB_ID_TOKEN",
      "CREDENTIALS_STS_ASSUME_ROLE_WEB_ID",
    ],
  ],
  [
    "assume-role",
    [
      "CREDENTIALS_PROFILE_SOURCE_PROFILE",
      "CREDENTIALS_STS_ASSUME_ROLE",
      "CREDENTIALS_PROFILE_NAMED_PROVIDER",
    ],
  ],
  ["shared-credentials-file", ["CREDENTIALS_PROFILE"]],
  ["env", ["CREDENTIALS_ENV_VARS"]],
  ["container-role", ["CREDENTIALS_HTTP"]],
];

/** What Node.js tools would sign with instead: the JS chain's pick, from its `$source` marks. */
export function attributeJsChain(opinion: JsChainOpinion, env: Env, profile?: string): CredentialSource {
  const features = new Set(opinion.features);
  const matched = FEATURE_METHODS.find(([, names]) => names.some((name) => features.has(name)));
  const method = matched ? matched[0] : remoteMethod(env);
  // The JS SDK reads --profile, then AWS_PROFILE (never AWS_DEFAULT_PROFILE).
  const named =
    method === "env" || REMOTE.has(method) ? {} : { profile: profile ?? env.AWS_PROFILE ?? "default" };
  return {
    provider: PROVIDERS[method],
    method,
    ...named,
    accessKeyId: maskKeyId(opinion.accessKeyId),
    local: !REMOTE.has(method),
    longTerm: opinion.accessKeyId.startsWith("AKIA"),
  };
}

/** The IMDS and container providers leave no `$source` mark; the container variables tell them apart. */
function remoteMethod(env: Env): "container-role" | "iam-role" {
  return env.AWS_CONTAINER_CREDENTIALS_FULL_URI || env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI
    ? "container-role"
    : "iam-role";
}
