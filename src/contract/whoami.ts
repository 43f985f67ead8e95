/** `hpiam whoami --json`: the document, and its decoder for readers of another node's (fleet). */
import type { CallerIdentity, InstanceProfile } from "../context";
import type { IdentityType } from "../identity/model/arn";
import type { AwsProblem, ClassifiedError } from "../identity/model/aws-errors";
import type { ChainLink } from "../identity/model/botocore-chain";
import type { ChainError } from "../identity/model/chain-errors";
import type { ChainUndecided } from "../identity/model/chain-stop";
import type { CredentialSource, Provider } from "../identity/model/credential-source";
import type { Verdict, VerdictStatus } from "../identity/model/verdict";
import {
  boolean,
  type Decoded,
  decodeWith,
  type Decoder,
  literal,
  nullable,
  number,
  object,
  oneOf,
  string,
} from "./decode";

/** Every field of T present, `null` where it has no value. */
export type Present<T> = {
  [K in keyof T]-?: undefined extends T[K] ? Exclude<T[K], undefined> | null : T[K];
};

/** The fields README's JSON contract lists for each part of the document, in its order; nothing else goes out. */
export const WHOAMI_FIELDS = {
  source: ["provider", "method", "profile", "path", "line", "roleArn", "accessKeyId", "local", "longTerm"],
  instanceProfile: [
    "reachable",
    "roleName",
    "instanceProfileArn",
    "instanceId",
    "localIpv4",
    "region",
    "error",
  ],
  verdict: ["status", "reason", "expectedRole", "expectedFrom", "fix"],
  chainError: ["kind", "message", "detail", "fix", "provider", "path", "line"],
  undecided: ["setting", "why", "path"],
} as const;

type Fields = typeof WHOAMI_FIELDS;

/** Those of `value`'s fields, each present: `null` where it has no value. */
function present<T extends object, K extends keyof T>(value: T, keys: readonly K[]): Present<Pick<T, K>> {
  return Object.fromEntries(keys.map((key) => [key, value[key] ?? null])) as Present<Pick<T, K>>;
}

export const sourceDocument = (source: CredentialSource): SourceDocument =>
  present(source, WHOAMI_FIELDS.source);

export const instanceProfileDocument = (imds: InstanceProfile): WhoamiResult["instanceProfile"] =>
  present(imds, WHOAMI_FIELDS.instanceProfile);

export const verdictDocument = (verdict: Verdict): WhoamiResult["verdict"] =>
  present(verdict, WHOAMI_FIELDS.verdict);

export const chainErrorDocument = (error: ChainError): NonNullable<WhoamiResult["chainError"]> =>
  present(error, WHOAMI_FIELDS.chainError);

export const undecidedDocument = (undecided: ChainUndecided): NonNullable<WhoamiResult["undecided"]> =>
  present(undecided, WHOAMI_FIELDS.undecided);
export type SourceDocument = Present<Pick<CredentialSource, Fields["source"][number]>>;

/** STS's answer and what its ARN names; `name` and `sessionName` are null where the principal has none. */
export type IdentityDocument = CallerIdentity & {
  type: IdentityType;
  name: string | null;
  sessionName: string | null;
};

/** whoami's JSON document: every field README lists, `null` where it does not apply. */
export interface WhoamiResult {
  schemaVersion: 1;
  identity: IdentityDocument | null;
  credentialSource: SourceDocument | null;
  instanceProfile: Present<Pick<InstanceProfile, Fields["instanceProfile"][number]>>;
  verdict: Present<Pick<Verdict, Fields["verdict"][number]>>;
  /** Why the chain or STS failed, when one did. */
  problem: ClassifiedError | null;
  /** Where botocore stops with an error (the AWS CLI's own message), when it does. */
  chainError: Present<Pick<ChainError, Fields["chainError"][number]>> | null;
  /** The chain setting hpiam cannot evaluate exactly, when there is one: the verdict is then `unknown`. */
  undecided: Present<ChainUndecided> | null;
  /** What Node.js tools (the SDK for JavaScript's chain) sign with, when that is other keys than botocore's. */
  nodeJs: SourceDocument | null;
  region: string;
}

const VERDICTS: Record<VerdictStatus, true> = {
  healthy: true,
  overridden: true,
  mismatch: true,
  broken: true,
  "no-credentials": true,
  unknown: true,
};

const AWS_PROBLEMS: Record<AwsProblem, true> = {
  "no-credentials": true,
  "invalid-key": true,
  "expired-token": true,
  signature: true,
  "access-denied": true,
  throttled: true,
  unreachable: true,
  "service-error": true,
  other: true,
};

const CHAIN_ERRORS: Record<ChainError["kind"], true> = {
  "profile-not-found": true,
  "partial-credentials": true,
  "parse-error": true,
  "invalid-config": true,
  loop: true,
  "config-not-found": true,
  "retrieval-failed": true,
  "invalid-parameter": true,
  expired: true,
  "needs-mfa-code": true,
};

const IDENTITY_TYPES: Record<IdentityType, true> = {
  "assumed-role": true,
  "iam-user": true,
  root: true,
  "federated-user": true,
  unknown: true,
};

const PROVIDERS: Record<Provider, true> = {
  environment: true,
  "shared-credentials-file": true,
  "config-file": true,
  sso: true,
  login: true,
  process: true,
  "web-identity": true,
  "ec2-credentials-file": true,
  "boto-config": true,
  container: true,
  "instance-metadata": true,
};

export const CHAIN_METHODS: Record<ChainLink["method"], true> = {
  env: true,
  "assume-role": true,
  "assume-role-with-web-identity": true,
  sso: true,
  "shared-credentials-file": true,
  login: true,
  "custom-process": true,
  "config-file": true,
  "ec2-credentials-file": true,
  "boto-config": true,
  "container-role": true,
  "iam-role": true,
};

export const identityType = oneOf(IDENTITY_TYPES);

export const credentialSource = object<SourceDocument>({
  provider: oneOf(PROVIDERS),
  method: oneOf(CHAIN_METHODS),
  profile: nullable(string),
  path: nullable(string),
  line: nullable(number),
  roleArn: nullable(string),
  accessKeyId: string,
  local: boolean,
  longTerm: boolean,
});

export const instanceProfile = object<WhoamiResult["instanceProfile"]>({
  reachable: boolean,
  roleName: nullable(string),
  instanceProfileArn: nullable(string),
  instanceId: nullable(string),
  localIpv4: nullable(string),
  region: nullable(string),
  error: nullable(string),
});

export const verdictStatus = oneOf(VERDICTS);

const verdict = object<WhoamiResult["verdict"]>({
  status: verdictStatus,
  reason: string,
  expectedRole: nullable(string),
  expectedFrom: nullable(oneOf({ "expect-role": true, "instance-profile": true, "imds-proxy": true })),
  fix: nullable(string),
});

export const chainErrorKind = oneOf(CHAIN_ERRORS);

const chainError = object<NonNullable<WhoamiResult["chainError"]>>({
  kind: chainErrorKind,
  message: string,
  detail: nullable(string),
  fix: string,
  provider: nullable(string),
  path: nullable(string),
  line: nullable(number),
});

export const awsProblem = oneOf(AWS_PROBLEMS);

const whoamiResult: Decoder<WhoamiResult> = object<WhoamiResult>({
  schemaVersion: literal(1),
  identity: nullable(
    object<IdentityDocument>({
      account: string,
      arn: string,
      userId: string,
      type: identityType,
      name: nullable(string),
      sessionName: nullable(string),
    }),
  ),
  credentialSource: nullable(credentialSource),
  instanceProfile,
  verdict,
  problem: nullable(object<ClassifiedError>({ kind: awsProblem, message: string, hint: string })),
  chainError: nullable(chainError),
  undecided: nullable(
    object<Present<ChainUndecided>>({ setting: string, why: string, path: nullable(string) }),
  ),
  nodeJs: nullable(credentialSource),
  region: string,
});

export const decodeWhoami = (value: unknown): Decoded<WhoamiResult> => decodeWith(whoamiResult, value);
