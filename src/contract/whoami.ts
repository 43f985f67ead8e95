/** `hpiam whoami --json`: the document, and its decoder for readers of another node's (fleet). */
import type { CallerIdentity, InstanceProfile } from "../context";
import type { IdentityType } from "../domain/arn";
import type { AwsProblem, ClassifiedError } from "../domain/aws-errors";
import type { ChainLink } from "../identity/botocore-chain";
import type { ChainError } from "../identity/chain-errors";
import type { CredentialSource, Provider } from "../identity/credential-source";
import type { Verdict, VerdictStatus } from "../identity/verdict";
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
  optional,
  string,
} from "./decode";

/**
 * The one answer to "which identity does this node sign with": botocore's link, its keys' owner according to
 * STS, and the verdict against the instance profile. whoami prints it, diagnose's checks read it, recover
 * verifies with it.
 */
export interface WhoamiResult {
  schemaVersion: 1;
  /** STS's answer and what its ARN names; `name` and `sessionName` are null where the principal has none. */
  identity: (CallerIdentity & { type: IdentityType; name: string | null; sessionName: string | null }) | null;
  credentialSource: CredentialSource | null;
  instanceProfile: InstanceProfile;
  verdict: Verdict;
  /** Why the chain or STS failed, when one did. */
  problem: ClassifiedError | null;
  /** Where botocore stops with an error (the AWS CLI's own message), when it does. */
  chainError: ChainError | null;
  /** What Node.js tools (the SDK for JavaScript's chain) sign with, when that is other keys than botocore's. */
  nodeJs: CredentialSource | null;
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
  unknown: true,
};

const METHODS: Record<ChainLink["method"], true> = {
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

export const credentialSource = object<CredentialSource>({
  provider: oneOf(PROVIDERS),
  method: nullable(oneOf(METHODS)),
  profile: optional(string),
  path: optional(string),
  roleArn: optional(string),
  accessKeyId: string,
  local: boolean,
  longTerm: boolean,
});

export const instanceProfile = object<InstanceProfile>({
  reachable: boolean,
  roleName: optional(string),
  instanceProfileArn: optional(string),
  instanceId: optional(string),
  localIpv4: optional(string),
  region: optional(string),
  error: optional(string),
});

export const verdictStatus = oneOf(VERDICTS);

const verdict = object<Verdict>({
  status: verdictStatus,
  reason: string,
  expectedRole: optional(string),
  expectedFrom: optional(oneOf({ "expect-role": true, "instance-profile": true, "imds-proxy": true })),
  fix: optional(string),
});

export const chainErrorKind = oneOf(CHAIN_ERRORS);

const chainError = object<ChainError>({
  kind: chainErrorKind,
  message: string,
  detail: optional(string),
  fix: string,
  provider: optional(string),
  path: optional(string),
  line: optional(number),
});

export const awsProblem = oneOf(AWS_PROBLEMS);

const whoamiResult: Decoder<WhoamiResult> = object<WhoamiResult>({
  schemaVersion: literal(1),
  identity: nullable(
    object<NonNullable<WhoamiResult["identity"]>>({
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
  nodeJs: nullable(credentialSource),
  region: string,
});

export const decodeWhoami = (value: unknown): Decoded<WhoamiResult> => decodeWith(whoamiResult, value);
