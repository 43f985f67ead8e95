import { credentialsFileLink, linkWins } from "./chain-links";
import { diagnose } from "../../src/diagnose/diagnose";
import type { Context, RunResult } from "../../src/context";
import type { Identification } from "../../src/identity/identify";
import { fakeContext, type FakeOptions } from "./fake-context";
import { memoryFiles, stockNode } from "./memory-files";

export const NODE_ROLE = "ExecRole";

export const nodeIdentity: Partial<Identification> = {
  chain: linkWins({ method: "iam-role" }),
  credentials: { accessKeyId: "ASIAINSTANCEPROFILE1", hasSessionToken: true },
  identity: {
    account: "123456789012",
    arn: `arn:aws:sts::123456789012:assumed-role/${NODE_ROLE}/SageMaker`,
    userId: "AROAEXAMPLE:SageMaker",
  },
  serverDate: new Date("2026-11-23T12:00:00Z"),
};

/** Off EC2: nothing answers at the instance metadata address. */
export const offNode: FakeOptions = {
  instanceProfile: { reachable: false, error: "connect ECONNREFUSED 169.254.169.254:80" },
};

/** An IAM user's long-term keys from the shared credentials file, and who they sign as. */
export const userKeys = {
  chain: linkWins(credentialsFileLink()),
  credentials: { accessKeyId: "AKIAIOSFODNN7EXAMPLE", hasSessionToken: false },
  identity: { account: "123456789012", arn: "arn:aws:iam::123456789012:user/alice", userId: "AIDAEXAMPLE" },
};

/** What STS says behind a downgraded-role IMDS proxy: a role IMDS does not list, in a session not named SageMaker. */
export const proxiedIdentity: Partial<Identification> = {
  ...nodeIdentity,
  identity: {
    account: "1",
    arn: "arn:aws:sts::123456789012:assumed-role/ImdsProxyTestRole/test-session",
    userId: "x",
  },
};

/** A healthy worker of the fixture cluster (i-…ef2) for diagnose's unit tests; override what a test is about. */
export function fakeNode(options: FakeOptions = {}, files: Record<string, string | undefined> = {}) {
  const table: Record<string, string> = { ...stockNode, "/proc/mounts": "/dev/nvme0n1p1 / ext4 rw 0 0\n" };
  for (const [path, text] of Object.entries(files)) {
    if (text === undefined) delete table[path];
    else table[path] = text;
  }
  return fakeContext({
    identification: nodeIdentity,
    instanceProfile: { reachable: true, roleName: NODE_ROLE, instanceId: "i-0123456789abcdef2" },
    files: memoryFiles(table),
    ...options,
  });
}

/** Runs diagnose with only the check `id` on `ctx` and returns that check's result. */
export async function check(id: string, ctx: Context, options = {}) {
  const result = await diagnose({ ...options, checks: id }, ctx);
  const found = result.checks[0];
  if (!found) throw new Error(`no ${id} in the report`);
  return found;
}

/** An executor's `run` answering each command line (argv joined by spaces) from `table`; others succeed silently. */
export const answers =
  (table: Record<string, Partial<RunResult>>) =>
  async (argv: readonly string[]): Promise<RunResult> => ({
    exitCode: 0,
    stdout: "",
    stderr: "",
    timedOut: false,
    ...table[argv.join(" ")],
  });
