/**
 * What each diagnose check puts in its `details`, by check id: the checks build these, and fleet and the
 * renderers read them. A check id is a key of CheckDetailsById; the decoders below read each one back.
 */
import type { CallerIdentity } from "../context";
import type { Principal } from "../identity/model/arn";
import type { AwsProblem } from "../identity/model/aws-errors";
import type { Mount } from "../node/model/mounts";
import type { ImdsRedirects, ImdsSetup } from "../node/model/imds-redirect";
import type { NodeRole } from "../node/model/resource-config";
import type { ErrorCode } from "../errors";
import type { ChainError } from "../identity/model/chain-errors";
import type { FileVariable, KeyPlace, PlaceMethod } from "../identity/model/key-inventory";
import type { NewShellOutcome } from "../identity/model/new-shells";
import type { UndecidedForm } from "../shell/model/shell-exports";
import type { AgentImpact } from "../node/model/ssm-agent";
import {
  anyObject,
  array,
  boolean,
  type Decoder,
  dictionary,
  type Fields,
  literal,
  nullable,
  number,
  object,
  oneOf,
  optional,
  string,
  variants,
} from "./decode";
import { errorCode } from "./error";
import {
  awsProblem,
  chainErrorKind,
  CHAIN_METHODS,
  credentialSource,
  identityType,
  instanceProfile,
  type SourceDocument,
  type WhoamiResult,
} from "./whoami";

/** This node as resource_config.json describes it: the `node` of diagnose's JSON. */
export interface NodeSummary {
  cluster: string | null;
  clusterArn: string | null;
  clusterId: string | null;
  /** This node's instance group, instance and Slurm role; null when IMDS did not say which instance this is. */
  group: string | null;
  instanceId: string | null;
  instanceName: string | null;
  instanceType: string | null;
  role: NodeRole | null;
  controllerGroup: string;
  controllerAddress: string | null;
  resourceConfig: string;
}

export type HyperpodNodeDetails =
  /** Not a HyperPod node: no resource_config.json there. */
  | { path: string }
  /** There, but unreadable or malformed: `problem` is the error's code (permission-denied, bad-node-file, …). */
  | { path: string; problem: ErrorCode }
  | (NodeSummary & { provisioningParameters: boolean });

export type CallerIdentityDetails =
  | (CallerIdentity & Principal & { region: string })
  /** botocore stops before STS is asked: `error` is the chain error's kind. */
  | { problem: "broken-chain"; error: ChainError["kind"]; region: string }
  /** A chain setting hpiam cannot evaluate exactly (the check is `error`). */
  | { problem: "undecided-chain"; setting: string; region: string }
  | { problem: AwsProblem; region: string };

export interface AwsFilesDetails {
  dir: string;
  present: boolean;
  /** A recover moved this home's keys aside at this time and this node has not rebooted since. */
  rebootDueSince?: string;
  symlinkTarget?: string;
  files: Array<{
    path: string;
    exists: boolean;
    /** `0600`. */
    mode?: string;
    /** The errno code it could not be read with (EACCES, …). */
    readError?: string;
    profiles: KeyPlace[];
  }>;
}

export interface EnvironmentDetails {
  /** AWS_* variables set in this process (names only). */
  variables: string[];
  startupLines: Array<{ path: string; line: number; variable: string; certain: boolean }>;
  /** Where the exports that choose a profile or a file break or override a new shell's chain. */
  newShell: NewShellOutcome | null;
  /** Statements of the startup files whose effect hpiam cannot decide (the check is then `error`). */
  undecided: UndecidedForm[];
}

export interface RootCredentialsDetails {
  dir: string;
  present: boolean;
  profiles: KeyPlace[];
  /** What root's keys break on the SSM agent. */
  agentImpact: AgentImpact;
}

export interface OtherUsersDetails {
  /** Why some users were not looked at (the user database does not list them all), else null. */
  unlisted: string | null;
  homes: Array<{
    user: string;
    home: string;
    readable: boolean;
    profiles: KeyPlace[];
    startupLines: Array<{ path: string; line: number; variable: string }>;
    /** Statements of its startup files whose effect hpiam cannot decide (each an `error`). */
    undecided: UndecidedForm[];
  }>;
}

export type SharedHomeDetails = Mount & { home: string; realHome: string; shared: boolean };

/** The redirects iptables-save shows; `proxyRole` is the role the proxy serves (null: none) when there is one. */
export type ImdsRedirectDetails = ImdsRedirects & {
  setup: ImdsSetup;
  units: string[];
  proxyRole?: string | null;
};

export type ImdsProxyDetails =
  /** iptables-save is missing or failed: only the proxy's unit files. */
  | { units: string[] }
  /** Without root: what hints at a proxy. */
  | { units: string[]; hints: string[] }
  | ImdsRedirectDetails;

/** The identity the agent recorded (identity_config.json; all null and `identityUnknown` saying why when unread). */
export interface SsmAgentIdentityDetails {
  identityType: string | null;
  credentialSource: string | null;
  shareFile: string | null;
  shareProfile: string | null;
  shareCreds: boolean;
  version: string | null;
  identityUnknown?: string;
}

export type SsmAgentDetails =
  | SsmAgentIdentityDetails
  | (SsmAgentIdentityDetails & { unit: string; state: "active" })
  | (SsmAgentIdentityDetails & { states: Record<string, string> });

export interface ClockSkewDetails {
  localTime: string;
  awsTime: string;
  /** Positive: the local clock is ahead of AWS. */
  skewSeconds: number;
}

/** The IAM checks' findings (the role, its trust and policies, the permission to ask for): read by people. */
export type IamDetails = Record<string, unknown>;

export interface CheckDetailsById {
  "hyperpod-node": HyperpodNodeDetails;
  "caller-identity": CallerIdentityDetails;
  "credential-source": SourceDocument;
  "instance-profile": WhoamiResult["instanceProfile"];
  "aws-files": AwsFilesDetails;
  environment: EnvironmentDetails;
  "root-credentials": RootCredentialsDetails;
  "other-users": OtherUsersDetails;
  "shared-home": SharedHomeDetails;
  "imds-proxy": ImdsProxyDetails;
  "ssm-agent": SsmAgentDetails;
  "clock-skew": ClockSkewDetails;
  "execution-role": IamDetails;
  "ssm-access": IamDetails;
  "eks-cluster-role": IamDetails;
  "eks-node-role": IamDetails;
}

export type CheckId = keyof CheckDetailsById;

export type CheckDetails<Id extends CheckId> = CheckDetailsById[Id];

const NODE_ROLES: Record<NodeRole, true> = { controller: true, login: true, compute: true };

const NODE_SUMMARY: Fields<NodeSummary> = {
  cluster: nullable(string),
  clusterArn: nullable(string),
  clusterId: nullable(string),
  group: nullable(string),
  instanceId: nullable(string),
  instanceName: nullable(string),
  instanceType: nullable(string),
  role: nullable(oneOf(NODE_ROLES)),
  controllerGroup: string,
  controllerAddress: nullable(string),
  resourceConfig: string,
};

export const nodeSummary = object<NodeSummary>(NODE_SUMMARY);

/** A place is set in a file: every link of the chain but the environment's, a container's and IMDS's. */
const NOT_PLACES: ReadonlySet<string> = new Set(["env", "container-role", "iam-role"]);
const PLACE_METHODS = Object.fromEntries(
  Object.entries(CHAIN_METHODS).filter(([method]) => !NOT_PLACES.has(method)),
) as Record<PlaceMethod, true>;

const FILE_VARIABLES: Record<FileVariable, true> = {
  AWS_SHARED_CREDENTIALS_FILE: true,
  AWS_CONFIG_FILE: true,
  BOTO_CONFIG: true,
  AWS_CREDENTIAL_FILE: true,
};

export const keyPlace = object<KeyPlace>({
  path: string,
  section: optional(string),
  profile: optional(string),
  line: number,
  method: oneOf(PLACE_METHODS),
  accessKeyId: optional(string),
  roleArn: optional(string),
  namedBy: optional(oneOf(FILE_VARIABLES)),
  usedBy: array(string),
  wins: boolean,
});

const hyperpodNode: Decoder<HyperpodNodeDetails> = variants<HyperpodNodeDetails>((value) => {
  if ("problem" in value) return object({ path: string, problem: errorCode });
  if ("resourceConfig" in value) return object({ ...NODE_SUMMARY, provisioningParameters: boolean });
  return object({ path: string });
});

const callerIdentity: Decoder<CallerIdentityDetails> = variants<CallerIdentityDetails>((value) => {
  if (value.problem === "broken-chain")
    return object({ problem: literal("broken-chain"), error: chainErrorKind, region: string });
  if (value.problem === "undecided-chain")
    return object({ problem: literal("undecided-chain"), setting: string, region: string });
  if ("problem" in value) return object({ problem: awsProblem, region: string });
  return object<CallerIdentity & Principal & { region: string }>({
    account: string,
    arn: string,
    userId: string,
    type: identityType,
    name: optional(string),
    sessionName: optional(string),
    region: string,
  });
});

const awsFiles = object<AwsFilesDetails>({
  dir: string,
  present: boolean,
  rebootDueSince: optional(string),
  symlinkTarget: optional(string),
  files: array(
    object<AwsFilesDetails["files"][number]>({
      path: string,
      exists: boolean,
      mode: optional(string),
      readError: optional(string),
      profiles: array(keyPlace),
    }),
  ),
});

const undecidedForms = array(object<UndecidedForm>({ path: string, line: number, why: string }));

const environment = object<EnvironmentDetails>({
  variables: array(string),
  startupLines: array(object({ path: string, line: number, variable: string, certain: boolean })),
  newShell: nullable(
    object<NewShellOutcome>({
      status: oneOf({ broken: true, overridden: true }),
      reason: string,
      variables: array(string),
    }),
  ),
  undecided: undecidedForms,
});

const rootCredentials = object<RootCredentialsDetails>({
  dir: string,
  present: boolean,
  profiles: array(keyPlace),
  agentImpact: oneOf({ "agent-connection": true, "agent-commands": true, none: true, unknown: true }),
});

const otherUsers = object<OtherUsersDetails>({
  unlisted: nullable(string),
  homes: array(
    object<OtherUsersDetails["homes"][number]>({
      user: string,
      home: string,
      readable: boolean,
      profiles: array(keyPlace),
      startupLines: array(object({ path: string, line: number, variable: string })),
      undecided: undecidedForms,
    }),
  ),
});

const sharedHome = object<SharedHomeDetails>({
  source: string,
  mountPoint: string,
  fsType: string,
  home: string,
  realHome: string,
  shared: boolean,
});

const IMDS_SETUPS: Record<ImdsSetup, true> = { none: true, stock: true, proxy: true, other: true };

const imdsProxy: Decoder<ImdsProxyDetails> = variants<ImdsProxyDetails>((value) => {
  if ("setup" in value)
    return object<ImdsRedirectDetails>({
      setup: oneOf(IMDS_SETUPS),
      root: optional(string),
      nonRoot: optional(string),
      directAccessBlocked: boolean,
      rules: array(string),
      units: array(string),
      proxyRole: optional(nullable(string)),
    });
  if ("hints" in value) return object({ units: array(string), hints: array(string) });
  return object({ units: array(string) });
});

const AGENT_IDENTITY: Fields<SsmAgentIdentityDetails> = {
  identityType: nullable(string),
  credentialSource: nullable(string),
  shareFile: nullable(string),
  shareProfile: nullable(string),
  shareCreds: boolean,
  version: nullable(string),
  identityUnknown: optional(string),
};

const ssmAgent: Decoder<SsmAgentDetails> = variants<SsmAgentDetails>((value) => {
  if ("states" in value) return object({ ...AGENT_IDENTITY, states: dictionary(string) });
  if ("unit" in value) return object({ ...AGENT_IDENTITY, unit: string, state: literal("active") });
  return object(AGENT_IDENTITY);
});

const clockSkew = object<ClockSkewDetails>({ localTime: string, awsTime: string, skewSeconds: number });

/** Each check's details decoder; a check id added to CheckDetailsById and not here does not compile. */
export const CHECK_DETAILS: { [Id in CheckId]: Decoder<CheckDetails<Id>> } = {
  "hyperpod-node": hyperpodNode,
  "caller-identity": callerIdentity,
  "credential-source": credentialSource,
  "instance-profile": instanceProfile,
  "aws-files": awsFiles,
  environment,
  "root-credentials": rootCredentials,
  "other-users": otherUsers,
  "shared-home": sharedHome,
  "imds-proxy": imdsProxy,
  "ssm-agent": ssmAgent,
  "clock-skew": clockSkew,
  "execution-role": anyObject,
  "ssm-access": anyObject,
  "eks-cluster-role": anyObject,
  "eks-node-role": anyObject,
};
