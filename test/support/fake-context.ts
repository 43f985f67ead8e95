import type {
  Context,
  Executor,
  Files,
  Identification,
  InstanceProfile,
  PasswdEntry,
  SageMakerPort,
  SharedFiles,
} from "../../src/context";

export interface FakeOptions {
  identification?: Partial<Identification>;
  instanceProfile?: InstanceProfile;
  sharedFiles?: Partial<SharedFiles>;
  env?: Record<string, string>;
  users?: PasswdEntry[];
  uid?: number;
  interactive?: boolean;
  answers?: boolean[];
  files?: Partial<Files>;
  exec?: Partial<Executor>;
  sagemaker?: Partial<SageMakerPort>;
  now?: Date;
}

const NOTHING_HERE = async () => {
  throw Object.assign(new Error("ENOENT"), { code: "ENOENT" });
};

/** A context with every side effect replaced; override only what a test is about. */
export function fakeContext(options: FakeOptions = {}): Context & { logged: string[]; ran: string[][] } {
  const logged: string[] = [];
  const ran: string[][] = [];
  const answers = [...(options.answers ?? [])];
  const home = "/home/ubuntu";
  const users = options.users ?? [{ name: "ubuntu", uid: 1000, gid: 1000, home, shell: "/bin/bash" }];
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
    files: {
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
      ...options.files,
    },
    aws: {
      identify: async () => ({ region: "us-west-2", ...options.identification }),
      sharedFiles: async () => ({
        credentialsPath: `${home}/.aws/credentials`,
        configPath: `${home}/.aws/config`,
        credentials: {},
        config: {},
        ...options.sharedFiles,
      }),
    },
    sagemaker: {
      region: async (aws) => aws.region ?? "us-west-2",
      describeCluster: async () => ({
        ok: false,
        error: { name: "ResourceNotFound", message: "no cluster" },
      }),
      listClusterNodes: async () => ({ ok: true, value: [] }),
      ...options.sagemaker,
    },
    imds: { describe: async () => options.instanceProfile ?? { reachable: false, error: "not on EC2" } },
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
    log: { debug: (m) => logged.push(m), info: (m) => logged.push(m) },
  };
}
