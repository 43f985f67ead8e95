import { answering, linkWins } from "./chain-links";
import type {
  AwsPort,
  CloudWatchPort,
  Context,
  EksPort,
  Executor,
  Files,
  HostPort,
  IamPort,
  InstanceProfile,
  PasswdEntry,
  SageMakerPort,
  SsmPort,
} from "../../src/context";
import { botocoreFilesIn } from "./fake-botocore-files";
import { HpiamError } from "../../src/errors";
import { expect } from "vitest";
import type { Identification } from "../../src/identity/identify";

export interface FakeOptions {
  identification?: Partial<Identification>;
  instanceProfile?: InstanceProfile;
  /** What the chain model reads in another environment (a new shell's); by default the fake's files. */
  botocoreFiles?: AwsPort["botocoreFiles"];
  env?: Record<string, string>;
  users?: PasswdEntry[];
  uid?: number;
  interactive?: boolean;
  answers?: boolean[];
  files?: Partial<Files>;
  exec?: Partial<Executor>;
  sagemaker?: Partial<SageMakerPort>;
  iam?: Partial<IamPort>;
  ssm?: Partial<SsmPort>;
  eks?: Partial<EksPort>;
  cloudwatch?: Partial<CloudWatchPort>;
  host?: Partial<HostPort>;
  now?: Date;
  /** What other IMDS endpoints (a local IMDS proxy) answer, by endpoint URL. */
  imdsAt?: Record<string, InstanceProfile>;
}

const NOTHING_HERE = async () => {
  throw Object.assign(new Error("ENOENT"), { code: "ENOENT" });
};

const DENIED = async () =>
  ({ ok: false, error: { name: "AccessDenied", message: "not authorized", httpStatus: 403 } }) as const;

/** A context with every side effect replaced; override only what a test is about. */
/** A node signing as its execution role from the instance profile: the healthy case. */
export const HEALTHY_NODE: FakeOptions = {
  identification: {
    credentials: { accessKeyId: "ASIAINSTANCEPROFILE1", hasSessionToken: true },
    identity: {
      account: "123456789012",
      arn: "arn:aws:sts::123456789012:assumed-role/ExecRole/SageMaker",
      userId: "AROAEXAMPLE:SageMaker",
    },
  },
  instanceProfile: { reachable: true, roleName: "ExecRole", instanceId: "i-0123456789abcdef0" },
};

export function fakeContext(options: FakeOptions = {}): Context & { logged: string[]; ran: string[][] } {
  const logged: string[] = [];
  const ran: string[][] = [];
  const answers = [...(options.answers ?? [])];
  const home = "/home/ubuntu";
  const users = options.users ?? [{ name: "ubuntu", uid: 1000, gid: 1000, home, shell: "/bin/bash" }];
  const files: Files = {
    readText: NOTHING_HERE,
    stat: async () => undefined,
    lstat: async () => undefined,
    readdir: NOTHING_HERE,
    readlink: NOTHING_HERE,
    realpath: async (path) => path,
    rename: NOTHING_HERE,
    remove: async () => {},
    mkdir: async () => {},
    chmod: async () => {},
    writeText: async () => {},
    replaceAtomically: async () => {},
    createExclusive: async () => true,
    createSymlink: async () => true,
    chmodDirectory: async () => {},
    ...options.files,
  };
  return {
    logged,
    ran,
    exec: {
      run: async (argv) => {
        ran.push([...argv]);
        return { exitCode: 0, stdout: "", stderr: "", timedOut: false };
      },
      attach: async (argv) => {
        ran.push([...argv]);
        return 0;
      },
      attachObserved: async (argv) => {
        ran.push([...argv]);
        return { exitCode: 0, stderrTail: "" };
      },
      which: async () => undefined,
      ...options.exec,
    },
    files,
    aws: {
      ...answering(() => ({
        region: "us-west-2",
        chain: linkWins({ method: "iam-role" }),
        ...options.identification,
      })),
      // The AWS files are the fake's files, read where botocore reads them.
      botocoreFiles: options.botocoreFiles ?? botocoreFilesIn(files),
      keyOwner: async () => undefined,
    },
    sagemaker: {
      region: async (aws) => aws.region ?? "us-west-2",
      describeCluster: async () => ({
        ok: false,
        error: { name: "ResourceNotFound", message: "no cluster" },
      }),
      listClusterNodes: async () => ({ ok: true, value: [] }),
      batchRebootClusterNodes: DENIED,
      ...options.sagemaker,
    },
    // IAM, SSM and EKS refuse by default, as they do for a caller without read permissions.
    iam: {
      getRole: DENIED,
      listRolePolicies: DENIED,
      getRolePolicy: DENIED,
      listAttachedRolePolicies: DENIED,
      getPolicy: DENIED,
      getPolicyVersion: DENIED,
      simulatePrincipalPolicy: DENIED,
      ...options.iam,
    },
    ssm: { getServiceSetting: DENIED, ...options.ssm },
    eks: { describeCluster: DENIED, ...options.eks },
    cloudwatch: { putMetricData: DENIED, ...options.cloudwatch },
    imds: {
      describe: async () => options.instanceProfile ?? { reachable: false, error: "not on EC2" },
      describeAt: async (endpoint) =>
        options.imdsAt?.[endpoint] ?? { reachable: false, error: `nothing at ${endpoint}` },
    },
    clock: { now: () => options.now ?? new Date("2026-11-23T12:00:00Z") },
    prompt: {
      interactive: options.interactive ?? false,
      confirm: async () => answers.shift() ?? false,
    },
    env: options.env ?? {},
    user: {
      uid: options.uid ?? 1000,
      name: "ubuntu",
      home,
      lookup: async (name) => users.find((user) => user.name === name),
      all: async () => users,
    },
    host: {
      pid: 4242,
      hostname: "ip-10-1-20-11",
      bootId: async () => "boot-1",
      bootTime: async () => new Date("2026-11-23T08:00:00Z"),
      alive: () => false,
      pause: async () => {},
      command: ["/usr/bin/node", "/opt/hpiam/bin/hpiam.js"],
      ...options.host,
    },
    log: { debug: (m) => logged.push(m), info: (m) => logged.push(m) },
  };
}

/** The HpiamError a command rejected with; the test fails here when it resolved or threw anything else. */
export async function failure(promise: Promise<unknown>): Promise<HpiamError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(HpiamError);
  return error as HpiamError;
}
