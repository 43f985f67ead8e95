/**
 * Every side effect hpiam has, behind small ports. Commands receive one Context; the adapters in
 * src/system build the real one and tests build one with fakes.
 */

import type { ChainDecision } from "./identity/botocore-chain";
import type { EksPort, IamPort, SageMakerPort, SsmPort } from "./service-ports";

// The ports of the AWS services beyond STS (SageMaker, IAM, SSM, EKS) live in service-ports.ts.
export type * from "./service-ports";

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
  /** Creates a file that must not exist yet (O_EXCL, so never through a symlink); false when something is there. */
  createExclusive(path: string, content: string, mode: number): Promise<boolean>;
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
}

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

export interface CallerIdentity {
  account: string;
  arn: string;
  userId: string;
}

/** An AWS call that failed, reduced to what classifying it needs. */
export interface AwsCallError {
  name: string;
  message: string;
  httpStatus?: number;
  /** Node's network error code (ECONNREFUSED, ETIMEDOUT, ENOTFOUND…) when the endpoint was not reached. */
  networkCode?: string;
}

export interface Identification {
  /** The link of botocore's chain that supplies the keys, or the error botocore stops with. */
  chain: ChainDecision;
  credentials?: ResolvedCredentials;
  /** Why the winning link's keys could not be fetched (none at all, when that link is IMDS). */
  credentialsError?: AwsCallError;
  identity?: CallerIdentity;
  stsError?: AwsCallError;
  region: string;
  /** The `Date` header of STS's answer (an error answer's too), for diagnose's clock-skew check. */
  serverDate?: Date;
  jsChain?: JsChainOpinion;
}

/** One profile section of the shared files, with aws_secret_access_key and aws_session_token removed. */
export type ProfileSection = Record<string, string | undefined>;

export interface SharedFiles {
  credentialsPath: string;
  configPath: string;
  credentials: Record<string, ProfileSection>;
  config: Record<string, ProfileSection>;
}

/** A file of keys botocore reads after the shared files: a boto config, or AWS_CREDENTIAL_FILE's. */
export interface KeyFile {
  path: string;
  kind: "boto-config" | "ec2-credentials-file";
  exists: boolean;
  /** The variable that points at it, when one does. */
  namedBy?: "BOTO_CONFIG" | "AWS_CREDENTIAL_FILE";
  /** Masked; present when the file holds a key id (botocore would sign with it). */
  accessKeyId?: string;
}

export interface AwsPort {
  /** Resolves botocore's credential chain afresh (no cache), fetches that link's keys and asks STS who that is. */
  identify(options: AwsOptions): Promise<Identification>;
  /**
   * The shared credentials and config files as the SDK's own loader reads them: by default the ones this
   * process would use (AWS_SHARED_CREDENTIALS_FILE, AWS_CONFIG_FILE, ~/.aws); or the two paths given.
   * An unreadable or missing file reads as empty, as it does for the SDK.
   */
  sharedFiles(paths?: { credentialsPath: string; configPath: string }): Promise<SharedFiles>;
  /** The boto config and AWS_CREDENTIAL_FILE files that exist for this home (variables only for our own). */
  keyFiles(home: string): Promise<KeyFile[]>;
  /**
   * Whose keys a profile of that file holds (STS GetCallerIdentity with them, asked once): the ARN, or
   * undefined when they are not there or STS does not say. The secret never leaves the adapter.
   */
  keyOwner(file: string, profile: string, region: string): Promise<string | undefined>;
}

export interface InstanceProfile {
  reachable: boolean;
  roleName?: string;
  instanceProfileArn?: string;
  instanceId?: string;
  localIpv4?: string;
  region?: string;
  /** The `Date` header of an IMDS answer, for clock-skew checks. */
  serverDate?: Date;
  error?: string;
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
  /** A process with this pid runs on this machine (one of another user's counts too). */
  alive(pid: number): boolean;
  /** The argv that starts this same hpiam (node and script, or the single executable). */
  readonly command: readonly string[];
}

export type Env = Readonly<Record<string, string | undefined>>;

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
  readonly imds: ImdsPort;
  readonly clock: Clock;
  readonly prompt: Prompt;
  readonly env: Env;
  readonly user: UserPort;
  readonly host: HostPort;
  readonly log: Logger;
}
