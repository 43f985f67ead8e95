import { describe, expect, it } from "vitest";
import { type Io, runCli } from "../../src/cli";
import { connectHead } from "../../src/commands/connect-head";
import type { ClusterDescription, Files } from "../../src/context";
import { HpiamError } from "../../src/errors";
import { fakeContext, type FakeOptions } from "../support/fake-context";
import { hyperpodFixture } from "../support/fixtures";

const fixture = hyperpodFixture;

const CONFIG = "/opt/ml/config/resource_config.json";
const PARAMS = "/opt/ml/config/provisioning_parameters.json";

/** Files in memory: path → text; every write is visible to the next read. */
function memoryFiles(initial: Record<string, string>): Partial<Files> & { store: Map<string, string> } {
  const store = new Map(Object.entries(initial));
  const missing = (path: string) => Object.assign(new Error(`${path}: ENOENT`), { code: "ENOENT" });
  return {
    store,
    readText: async (path) => {
      const text = store.get(path);
      if (text === undefined) throw missing(path);
      return text;
    },
    stat: async (path) =>
      store.has(path) ? { kind: "file", mode: 0o600, uid: 1000, gid: 1000, size: 1 } : undefined,
    writeText: async (path, content) => void store.set(path, content),
    rename: async (from, to) => {
      store.set(to, store.get(from) ?? "");
      store.delete(from);
    },
  };
}

const onNode = (files: Record<string, string>, extra: FakeOptions = {}) =>
  fakeContext({ files: memoryFiles(files), ...extra });

const stockNode = {
  [CONFIG]: fixture("resource_config.json"),
  [PARAMS]: fixture("provisioning_parameters.json"),
};

async function failure(promise: Promise<unknown>): Promise<HpiamError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(HpiamError);
  return error as HpiamError;
}

describe("connect-head on a node", () => {
  it("plans `ssh <controller ip>` with --print and runs nothing", async () => {
    const ctx = onNode(stockNode);
    const result = await connectHead({ print: true }, ctx);
    expect(result).toMatchObject({
      action: "print",
      mode: "node",
      address: "10.1.10.10",
      group: "controller-machine",
    });
    expect(result.command).toEqual(["ssh", "10.1.10.10"]);
    expect(ctx.ran).toEqual([]);
  });

  it("runs ssh with the arguments after -- and keeps ssh's exit code", async () => {
    const ctx = onNode(stockNode, { exec: { attach: async () => 255 } });
    const result = await connectHead({ passThrough: ["-L", "8080:localhost:8080"] }, ctx);
    expect(result).toMatchObject({ action: "connected", exitCode: 255 });
    expect(result.command).toEqual(["ssh", "10.1.10.10", "-L", "8080:localhost:8080"]);
  });

  it("finds a differently named controller group via provisioning_parameters or --group", async () => {
    const custom = {
      [CONFIG]: fixture("resource_config.custom-controller.json"),
      [PARAMS]: fixture("provisioning_parameters.custom-controller.json"),
    };
    expect(await connectHead({ print: true }, onNode(custom))).toMatchObject({
      group: "head-nodes",
      groupFrom: "provisioning-parameters",
    });
    const withoutParams = { [CONFIG]: fixture("resource_config.custom-controller.json") };
    const error = await failure(connectHead({ print: true }, onNode(withoutParams)));
    expect(error).toMatchObject({ exitCode: 3, code: "no-controller-group" });
    expect(error.message).toMatch(/no instance group "controller-machine" .*head-nodes, login-group/);
    expect(await connectHead({ print: true, group: "login-group" }, onNode(withoutParams))).toMatchObject({
      address: "10.1.20.20",
      groupFrom: "flag",
    });
  });

  it.each([
    [{}, "not-hyperpod", /does not exist/],
    [{ [CONFIG]: "{ truncated" }, "bad-node-file", /not valid JSON/],
    [{ [CONFIG]: '{"InstanceGroups": []}' }, "no-controller-group", /its groups: none/],
    [
      { [CONFIG]: '{"InstanceGroups": [{"Name": "controller-machine"}]}' },
      "no-head-node",
      /has no instances/,
    ],
  ])("fails with exit 3 and says why for %j", async (files, code, message) => {
    const error = await failure(connectHead({ print: true }, onNode(files)));
    expect(error).toMatchObject({ exitCode: 3, code });
    expect(error.message).toMatch(message);
  });

  it("reads a root-only resource_config through `sudo -n cat`", async () => {
    const ctx = fakeContext({
      files: { readText: async () => Promise.reject(Object.assign(new Error("EACCES"), { code: "EACCES" })) },
      exec: {
        run: async (argv) => ({
          exitCode: argv.includes(CONFIG) ? 0 : 1,
          stdout: argv.includes(CONFIG) ? fixture("resource_config.json") : "",
          stderr: "",
          timedOut: false,
        }),
      },
    });
    expect((await connectHead({ print: true }, ctx)).address).toBe("10.1.10.10");
  });
});

const CLUSTER: ClusterDescription = {
  arn: "arn:aws:sagemaker:us-west-2:123456789012:cluster/aa11bbbbb222",
  name: "ml-cluster",
  groups: [{ name: "controller-machine" }, { name: "worker-group-1" }],
};
const TARGET = "sagemaker-cluster:aa11bbbbb222_controller-machine-i-0123456789abcdef0";

function offCluster(extra: FakeOptions = {}) {
  return fakeContext({
    sagemaker: {
      describeCluster: async () => ({ ok: true, value: CLUSTER }),
      listClusterNodes: async () => ({
        ok: true,
        value: [{ groupName: "controller-machine", instanceId: "i-0123456789abcdef0", status: "Running" }],
      }),
    },
    exec: { which: async (tool) => `/usr/local/bin/${tool}` },
    ...extra,
  });
}

describe("connect-head --cluster", () => {
  it("prints the SSM target of the controller node", async () => {
    const result = await connectHead({ cluster: "ml-cluster", print: true }, offCluster());
    expect(result).toMatchObject({ mode: "ssm", target: TARGET, region: "us-west-2", action: "print" });
    expect(result.command).toEqual([
      "aws",
      "ssm",
      "start-session",
      "--target",
      TARGET,
      "--region",
      "us-west-2",
    ]);
  });

  it("says which tool is missing, how to install it, and the command to run", async () => {
    const ctx = offCluster({
      exec: { which: async (tool) => (tool === "aws" ? "/usr/bin/aws" : undefined) },
    });
    const error = await failure(connectHead({ cluster: "ml-cluster" }, ctx));
    expect(error).toMatchObject({ exitCode: 3, code: "missing-session-tools" });
    expect(error.message).toMatch(/^session-manager-plugin is not installed/);
    expect(error.hint).toContain("session-manager-working-with-install-plugin.html");
    expect(error.hint).toContain(`aws ssm start-session --target ${TARGET} --region us-west-2`);
    expect(ctx.ran).toEqual([]);
  });

  it("explains a TargetNotConnected refusal with the `aws configure` cause", async () => {
    const stderrTail = "An error occurred (TargetNotConnected) when calling the StartSession operation: x";
    const ctx = offCluster({
      exec: { which: async (t) => `/bin/${t}`, attachObserved: async () => ({ exitCode: 255, stderrTail }) },
    });
    const result = await connectHead({ cluster: "ml-cluster" }, ctx);
    expect(result).toMatchObject({
      action: "connected",
      exitCode: 255,
      refusal: { kind: "target-not-connected" },
    });
  });

  it("explains an unknown cluster and an unreachable API in one line each", async () => {
    const missing = await failure(connectHead({ cluster: "nope", print: true }, fakeContext()));
    expect(missing).toMatchObject({ exitCode: 3, code: "no-such-cluster" });
    const unreachable = fakeContext({
      sagemaker: {
        describeCluster: async () => ({
          ok: false,
          error: { name: "Error", message: "connect ECONNREFUSED", networkCode: "ECONNREFUSED" },
        }),
      },
    });
    const error = await failure(connectHead({ cluster: "ml-cluster", print: true }, unreachable));
    expect(error.message).toBe("SageMaker DescribeCluster failed: the AWS endpoint could not be reached");
    expect(error.hint).toMatch(/SageMaker API/);
  });

  it("writes an ssh-config entry once, with a backup, and changes nothing the second time", async () => {
    const files = memoryFiles({ "/home/ubuntu/.ssh/config": "Host *\n    ServerAliveInterval 60\n" });
    const ctx = offCluster({ files });
    const first = await connectHead({ cluster: "ml-cluster", sshConfig: true }, ctx);
    expect(first).toMatchObject({
      action: "ssh-config",
      command: ["ssh", "ml-cluster"],
      sshConfig: { change: "added", backup: "/home/ubuntu/.ssh/config.hpiam-backup-20261123T120000Z" },
    });
    const written = files.store.get("/home/ubuntu/.ssh/config") ?? "";
    expect(written).toMatch(
      /^# hpiam connect-head: .*\nHost ml-cluster\n {4}User ubuntu\n {4}ProxyCommand aws ssm/,
    );
    expect(written).toContain("--document-name AWS-StartSSHSession --parameters portNumber=%p");
    expect(written.endsWith("Host *\n    ServerAliveInterval 60\n")).toBe(true);
    const second = await connectHead({ cluster: "ml-cluster", sshConfig: true }, ctx);
    expect(second).toMatchObject({ sshConfig: { change: "unchanged", backup: null } });
    expect(files.store.get("/home/ubuntu/.ssh/config")).toBe(written);
    expect([...files.store.keys()].filter((path) => path.includes("hpiam-backup"))).toHaveLength(1);
  });

  it("refuses (exit 2) to overwrite a Host entry someone else wrote", async () => {
    const files = memoryFiles({ "/home/ubuntu/.ssh/config": "Host ml-cluster\n    HostName 10.0.0.1\n" });
    const error = await failure(
      connectHead({ cluster: "ml-cluster", sshConfig: true }, offCluster({ files })),
    );
    expect(error).toMatchObject({ exitCode: 2, code: "ssh-config-conflict" });
  });
});

async function cli(argv: string[], options: FakeOptions) {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = { stdout: (t) => out.push(t), stderr: (t) => err.push(t), isTTY: false, env: {} };
  const exitCode = await runCli(argv, io, () => fakeContext(options));
  return { exitCode, stdout: out.join(""), stderr: err.join("") };
}

describe("hpiam connect-head (argv)", () => {
  const node: FakeOptions = { files: memoryFiles(stockNode) };

  it("passes everything after -- to ssh and exits with ssh's code, printing nothing", async () => {
    const ran: string[][] = [];
    const result = await cli(["connect-head", "--", "-L", "8080:localhost:8080", "--", "hostname"], {
      ...node,
      exec: { attach: async (argv) => (ran.push([...argv]), 42) },
    });
    expect(result).toEqual({ exitCode: 42, stdout: "", stderr: "" });
    expect(ran).toEqual([["ssh", "10.1.10.10", "-L", "8080:localhost:8080", "--", "hostname"]]);
  });

  it("prints the address alone with --print, and the plan with --json", async () => {
    expect(await cli(["connect-head", "--print"], node)).toMatchObject({
      exitCode: 0,
      stdout: "10.1.10.10\n",
    });
    const json = await cli(["connect-head", "--json"], node);
    expect(JSON.parse(json.stdout)).toMatchObject({
      schemaVersion: 1,
      mode: "node",
      action: "print",
      address: "10.1.10.10",
      target: null,
      command: ["ssh", "10.1.10.10"],
    });
  });

  it.each([
    [["connect-head", "hostname"], /unexpected argument 'hostname'/],
    [["connect-head", "--ssh-config"], /--ssh-config needs --cluster/],
    [["connect-head", "--cluster", "bad name!"], /--cluster: "bad name!" is neither/],
    [["connect-head", "--print", "--", "-v"], /arguments after -- are for ssh/],
    [["connect-head", "--cluster", "c", "--ssh-config", "--print"], /do not go together/],
  ])("refuses %j with exit 2", async (argv, message) => {
    const result = await cli(argv, node);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(message);
  });
});
