/**
 * Every side effect hpiam has, behind small ports. Commands receive one Context; the adapters in
 * src/system build the real one and tests build one with fakes.
 */

import type { AwsCallError } from "./identity/model/aws-errors";
import type { ChainFiles, ChainLink } from "./identity/model/botocore-chain";
import type { Env } from "./identity/model/botocore-config";
import type { JsChainOpinion, ResolvedCredentials } from "./identity/model/credential-source";
import type { InstanceProfile } from "./identity/model/verdict";

// Types of the identity model that the ports speak too: defined there, so that the model never imports this file.
export type { AwsCallError, Env, InstanceProfile, JsChainOpinion, ResolvedCredentials };

export interface RunResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  /** Killed because it ran past its timeout. */
  timedOut: boolean;
}

export interface RunOptions {
  timeoutMs?: number;
  input?: string;
  /** Sees stdout as it arrives (progress of a long run); the whole of it is still returned. */
  onStdout?: (chunk: string) => void;
}

/** Runs argv arrays, never shell strings. */
export interface Executor {
  /** Captures output; never throws for a non-zero exit. Throws CannotRunError when the command does not exist. */
  run(argv: readonly string[], options?: RunOptions): Promise<RunResult>;
  /** Runs with the terminal attached (ssh, start-session) and returns its exit code. */
  attach(argv: readonly string[]): Promise<number>;
  /** Like attach, but stderr is also kept (its last few KB) so that a refusal can be explained afterwards. */
  attachObserved(argv: readonly string[]): Promise<{ exitCode: number; stderrTail: string }>;
  /** Full path of a command on PATH, if any. */
  which(command: string): Promise<string | undefined>;
}

export interface FileInfo {
  kind: "file" | "directory" | "symlink" | "other";
  mode: number;
  uid: number;
  gid: number;
  size: number;
  /** Last modification, ms since the epoch. */
  modifiedMs?: number;
}

/** Whose a file hpiam creates in another user's home is (under sudo): that user's, not root's. */
export interface FileOwner {
  uid: number;
  gid: number;
}

export interface Files {
  /**
   * Reads a text file; throws FileError (ENOENT, EACCES, EISDIR, EFBIG past maxBytes). `latin1`: one character
   * a byte, whatever the bytes are (shell files, whose byte columns a `sed` command names).
   */
  readText(path: string, options?: { maxBytes?: number; encoding?: "utf8" | "latin1" }): Promise<string>;
  /** Like stat(2) / lstat(2); undefined when the path does not exist. */
  stat(path: string): Promise<FileInfo | undefined>;
  lstat(path: string): Promise<FileInfo | undefined>;
  readdir(path: string): Promise<string[]>;
  readlink(path: string): Promise<string>;
  realpath(path: string): Promise<string>;
  rename(from: string, to: string): Promise<void>;
  remove(path: string): Promise<void>;
  mkdir(path: string, mode: number): Promise<void>;
  chmod(path: string, mode: number): Promise<void>;
  writeText(path: string, content: string, mode: number): Promise<void>;
  /**
   * Replaces the file whole: a temporary file beside it (a name ending in `.tmp`), synced, then renamed over it.
   * A reader sees the old content or the new, never a part; the file ends with exactly `mode`, whatever the umask.
   */
  replaceAtomically(path: string, content: string, mode: number): Promise<void>;
  /**
   * Creates a file that must not exist yet (O_EXCL, so never through a symlink); false when something is there.
   * Given an owner, it is that owner's before it holds anything.
   */
  createExclusive(path: string, content: string, mode: number, owner?: FileOwner): Promise<boolean>;
  /** symlink(2): the link is there whole, with its target, or not at all; false when something is there. */
  createSymlink(target: string, path: string, owner?: FileOwner): Promise<boolean>;
  /** chmod through a descriptor opened with O_NOFOLLOW | O_DIRECTORY: a symlink swapped in fails (ELOOP). */
  chmodDirectory(path: string, mode: number): Promise<void>;
}

export interface AwsOptions {
  profile?: string;
  region?: string;
  /** Another home's shared files instead of this process's (recover under sudo: the home it changes). */
  sharedFiles?: { credentialsPath: string; configPath: string };
  /** How often STS is asked (default 2): once where an answer is only informative, or none came just before. */
  stsAttempts?: number;
  /**
   * Called once the STS request is on its way: STS's answer is the one wait of a sign-in, and work that must not
   * hold the request up (the instance's description) goes there.
   */
  whileStsAnswers?: () => void;
}

export interface CallerIdentity {
  account: string;
  arn: string;
  userId: string;
}

/** What botocore's chain reads, read afresh: its variables, its files (every secret replaced by a marker), the Region. */
export interface ChainRead {
  /** The variables the chain sees: this process's, or pointing at another home's shared files. */
  env: Env;
  files: ChainFiles;
  /** The Region `aws` would call: --region, AWS_REGION, the profile's, else the instance's, else us-east-1. */
  region: string;
  /** When the files were read: the chain model and the fetch judge keys' expiry at this same instant. */
  now: Date;
}

/** The keys a link of the chain gave (the secret stays in the adapter), and who STS says they are. */
export interface SignIn {
  credentials?: ResolvedCredentials;
  /** Why the link's keys could not be fetched (none at all, when that link is IMDS). */
  credentialsError?: AwsCallError;
  /** What the chain model raised while the keys were fetched (botocore stops, or hpiam cannot decide). */
  stopped?: unknown;
  identity?: CallerIdentity;
  stsError?: AwsCallError;
  /** The `Date` header of STS's answer (an error answer's too), for diagnose's clock-skew check. */
  serverDate?: Date;
}

export interface AwsPort {
  /** Reads the files botocore's chain reads, afresh (recover verifies after moving ~/.aws), and the Region. */
  readChain(options: AwsOptions): Promise<ChainRead>;
  /** Fetches the keys of the link the chain model picked, from that read's files, and asks STS whose they are. */
  signIn(read: ChainRead, link: ChainLink, options: AwsOptions): Promise<SignIn>;
  /** What the SDK for JavaScript's own chain would sign with (bounded), beside that read; none where it finds none. */
  jsChain(read: ChainRead, options: AwsOptions): Promise<JsChainOpinion | undefined>;
  /**
   * The files botocore reads under that environment (its HOME, AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE,
   * BOTO_CONFIG, AWS_CREDENTIAL_FILE), as botocore reads them, every secret replaced by a marker.
   */
  botocoreFiles(env: Env): Promise<ChainFiles>;
  /**
   * Whose keys a section of that file holds (STS GetCallerIdentity with them, asked once): the ARN, or
   * undefined when they are not there or STS does not say. The secret never leaves the adapter.
   */
  keyOwner(file: string, section: string, region: string): Promise<string | undefined>;
}

// The AWS services hpiam reads beyond STS, behind ports: SageMaker (connect-head), IAM, SSM and EKS (--iam).

/** An AWS call that answered, or failed with what explaining the failure needs. */
export type AwsAnswer<T> = { ok: true; value: T } | { ok: false; error: AwsCallError };

/** A HyperPod cluster as DescribeCluster tells it, reduced to what finding its head node needs. */
export interface ClusterDescription {
  arn: string;
  name: string;
  status?: string;
  /** `slurmNodeType` is set on clusters whose Slurm roles are declared through the API (Controller, Login, Compute). */
  /** `executionRole`: the ARN of the group's execution role (its nodes' instance-profile role). */
  groups: Array<{ name: string; slurmNodeType?: string; executionRole?: string }>;
  /** The EKS cluster that orchestrates it (`Orchestrator.Eks.ClusterArn`); absent on a Slurm cluster. */
  eksClusterArn?: string;
}

export interface ClusterNodeSummary {
  groupName: string;
  instanceId: string;
  /** InstanceStatus: Running, Pending, SystemUpdating, … and SageMaker's message about it. */
  status?: string;
  statusMessage?: string;
}

export interface RebootedClusterNodes {
  successful: string[];
  failed: Array<{ nodeId: string; code: string; message: string }>;
}

export interface SageMakerPort {
  /** The Region `aws` would call (--region, AWS_REGION, AWS_DEFAULT_REGION, the profile), else the instance's. */
  region(options: AwsOptions): Promise<string | undefined>;
  describeCluster(
    nameOrArn: string,
    options: AwsOptions & { region: string },
  ): Promise<AwsAnswer<ClusterDescription>>;
  /** Every node (all pages) of the groups whose name contains `groupNameContains` (every group when undefined). */
  listClusterNodes(
    nameOrArn: string,
    groupNameContains: string | undefined,
    options: AwsOptions & { region: string },
  ): Promise<AwsAnswer<ClusterNodeSummary[]>>;
  /** HyperPod's own reboot of these nodes (instance ids); which it took and which it refused, with why. */
  batchRebootClusterNodes(
    nameOrArn: string,
    nodeIds: readonly string[],
    options: AwsOptions & { region: string },
  ): Promise<AwsAnswer<RebootedClusterNodes>>;
}

/** A role as GetRole tells it; its trust policy as IAM returns it (URL-encoded JSON). */
export interface RoleDescription {
  arn: string;
  name: string;
  trustPolicy: string;
}

/** One evaluation of SimulatePrincipalPolicy, per action and resource. */
export interface SimulatedDecision {
  action: string;
  resource: string;
  decision: "allowed" | "explicitDeny" | "implicitDeny";
  /** Condition keys the simulator had no value for: its decision did not evaluate those conditions. */
  missingContextKeys: string[];
}

type RegionalOptions = AwsOptions & { region: string };

/** IAM reads for the --iam checks. Policy documents come back as IAM returns them (URL-encoded JSON). */
export interface IamPort {
  getRole(roleName: string, options: RegionalOptions): Promise<AwsAnswer<RoleDescription>>;
  /** Names of the role's inline policies (all pages). */
  listRolePolicies(roleName: string, options: RegionalOptions): Promise<AwsAnswer<string[]>>;
  getRolePolicy(roleName: string, policyName: string, options: RegionalOptions): Promise<AwsAnswer<string>>;
  /** The managed policies attached to the role (all pages). */
  listAttachedRolePolicies(
    roleName: string,
    options: RegionalOptions,
  ): Promise<AwsAnswer<Array<{ name: string; arn: string }>>>;
  getPolicy(policyArn: string, options: RegionalOptions): Promise<AwsAnswer<{ defaultVersionId: string }>>;
  getPolicyVersion(
    policyArn: string,
    versionId: string,
    options: RegionalOptions,
  ): Promise<AwsAnswer<string>>;
  /** Every action on every resource, for a user or role ARN (all pages). */
  simulatePrincipalPolicy(
    principalArn: string,
    actions: readonly string[],
    resources: readonly string[],
    options: RegionalOptions,
  ): Promise<AwsAnswer<SimulatedDecision[]>>;
}

export interface SsmPort {
  /** A service setting's value, e.g. `/ssm/managed-instance/activation-tier` → `standard` | `advanced`. */
  getServiceSetting(settingId: string, options: RegionalOptions): Promise<AwsAnswer<string>>;
}

/** An EKS cluster as DescribeCluster tells it: the role its control plane runs as. */
export interface EksClusterDescription {
  arn: string;
  name: string;
  roleArn: string;
}

export interface EksPort {
  describeCluster(name: string, options: RegionalOptions): Promise<AwsAnswer<EksClusterDescription>>;
}

/** One value of a CloudWatch metric, as PutMetricData takes it. */
export interface MetricDatum {
  name: string;
  value: number;
  unit: "None" | "Count";
  dimensions: ReadonlyArray<{ name: string; value: string }>;
  timestamp: Date;
}

export interface CloudWatchPort {
  /**
   * PutMetricData signed with the instance role's own keys, fetched from IMDS, never with the chain's winner
   * (which on a broken node is the stray IAM user's key); IMDS failing is an error like any other.
   */
  putMetricData(
    namespace: string,
    data: readonly MetricDatum[],
    options: { region: string },
  ): Promise<AwsAnswer<void>>;
}

export interface ImdsPort {
  /** What IMDSv2 says about this instance, bounded by a short timeout off EC2. */
  describe(): Promise<InstanceProfile>;
  /** The same, asked of another IMDS-compatible endpoint (a local IMDS proxy on 127.0.0.1); never cached. */
  describeAt(endpoint: string): Promise<InstanceProfile>;
}

export interface Clock {
  now(): Date;
}

export interface Prompt {
  /** True when stdin is a terminal a person can answer at. */
  readonly interactive: boolean;
  confirm(question: string, defaultAnswer: boolean): Promise<boolean>;
}

export interface PasswdEntry {
  name: string;
  uid: number;
  gid: number;
  home: string;
  shell: string;
}

export interface UserPort {
  readonly uid: number;
  readonly name: string;
  /** The home the SDK itself reads (HOME, as os.homedir() gives it). */
  readonly home: string;
  /** The user who ran `sudo hpiam …`, when that is how we were started. */
  readonly sudoUser?: string;
  /** Both throw CannotRunError (code `user-database`) when the database fails or hangs: never "no such user". */
  lookup(name: string): Promise<PasswdEntry | undefined>;
  all(): Promise<PasswdEntry[]>;
}

/** This process and its machine: what a lock needs to tell a live holder from one a crash left behind. */
export interface HostPort {
  readonly pid: number;
  readonly hostname: string;
  /** Changes at every boot (Linux: /proc/sys/kernel/random/boot_id); undefined where there is none. */
  bootId(): Promise<string | undefined>;
  /** When this machine booted (Linux: btime in /proc/stat); undefined where it cannot be read. */
  bootTime(): Promise<Date | undefined>;
  /** A process with this pid runs on this machine (one of another user's counts too). */
  alive(pid: number): boolean;
  /** Waits this long (a run waiting for another's lock); at once in tests. */
  pause(ms: number): Promise<void>;
  /** The argv that starts this same hpiam (node and script, or the single executable). */
  readonly command: readonly string[];
}

export interface Logger {
  /** Diagnostics on stderr, shown with --verbose. */
  debug(message: string): void;
  /** Progress on stderr, always shown (never with secrets). */
  info(message: string): void;
  /** One progress line on stderr, rewritten in place; only at a terminal. "" clears it. */
  progress?: (line: string) => void;
}

export interface Context {
  readonly exec: Executor;
  readonly files: Files;
  readonly aws: AwsPort;
  readonly sagemaker: SageMakerPort;
  readonly iam: IamPort;
  readonly ssm: SsmPort;
  readonly eks: EksPort;
  readonly cloudwatch: CloudWatchPort;
  readonly imds: ImdsPort;
  readonly clock: Clock;
  readonly prompt: Prompt;
  readonly env: Env;
  readonly user: UserPort;
  readonly host: HostPort;
  readonly log: Logger;
}
