import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REGION } from "../support/aws-world";
import { type SimulatedNode, startSimulatedNode } from "../support/simulated-node";
import {
  createClusters,
  createSsmStandIn,
  laptopEnv,
  type SsmStandIn,
  type StandInState,
  workerTarget as target,
} from "../support/ssm-standin";

/** The 20 nodes' states, in ListClusterNodes' order. */
const STATES: StandInState[] = [
  ...Array<StandInState>(11).fill("healthy"),
  ...Array<StandInState>(3).fill("overridden"),
  "not-connected",
  "not-connected",
  "throttled",
  "throttled",
  "silent",
  "healthy",
];

describe("hpiam fleet --cluster over SSM, 20 stand-in nodes", () => {
  let node: SimulatedNode;
  let standIn: SsmStandIn;
  let laptop: Record<string, string>;
  let ids: string[];

  beforeAll(async () => {
    node = await startSimulatedNode();
    const clusters = await createClusters(node, { "big-cluster": 20, "dark-cluster": 2 });
    ids = clusters["big-cluster"] ?? [];
    // The overridden nodes' HOME: `aws configure` left the IAM user's key in it.
    const overriddenHome = join(node.sandbox.root, "overridden-home");
    await mkdir(join(overriddenHome, ".aws"), { recursive: true });
    await writeFile(
      join(overriddenHome, ".aws", "credentials"),
      `[default]\naws_access_key_id = ${node.world.leakedKey.accessKeyId}\naws_secret_access_key = ${node.world.leakedKey.secretAccessKey}\n`,
    );
    standIn = await createSsmStandIn(node.sandbox.root);
    await standIn.configure({
      targets: {
        ...Object.fromEntries(ids.map((id, i) => [target("big-cluster", id), STATES[i] ?? "healthy"])),
        [target("dark-cluster", "workers-0")]: "not-connected",
        [target("dark-cluster", "workers-1")]: "denied",
      },
      nodeEnv: node.env,
      overriddenHome,
    });
    laptop = laptopEnv(node, standIn);
  });
  afterAll(async () => {
    await node?.stop();
  });

  const fleet = (args: string[]) =>
    node.hpiam(["fleet", ...args, "--hpiam", standIn.hpiam, "--timeout", "8"], laptop);

  it("asks every node through its own session and groups the report by cause", async () => {
    expect(ids).toHaveLength(20);
    const result = await fleet(["whoami", "--cluster", "big-cluster", "--json"]);
    expect(result.exitCode).toBe(1);
    const report = JSON.parse(result.stdout) as {
      engine: { name: string };
      nodes: Array<{
        name: string;
        status: string;
        reason: string | null;
        finding: { verdict: string } | null;
      }>;
      groups: Array<{ verdict: string; nodes: string[]; cause: string }>;
      summary: Record<string, unknown>;
    };
    expect(report.engine.name).toBe("ssm");
    expect(report.nodes.map((n) => n.name)).toEqual(ids);
    const at = (i: number) => ids[i] ?? "";
    expect(report.groups.map((group) => [group.verdict, group.nodes])).toEqual([
      ["overridden", [at(11), at(12), at(13)]],
      ["not-connected", [at(14), at(15)]],
      ["no-answer", [at(18)]],
      ["healthy", [...ids.slice(0, 11), at(16), at(17), at(19)]],
    ]);
    expect(report.groups[0]?.cause).toMatch(
      /signs as arn:aws:iam::123456789012:user\/alice, from static keys in \S+overridden-home\/\.aws\/credentials/,
    );
    expect(report.nodes[14]?.reason).toMatch(
      /TargetNotConnected.*`aws configure` as root made the agent sign as that IAM user/,
    );
    expect(report.nodes[18]?.reason).toBe("did not answer within 8 s");
    expect(report.summary).toMatchObject({
      status: "unhealthy",
      nodes: 20,
      healthy: 14,
      unhealthy: 3,
      unavailable: 3,
    });

    const sessions = await standIn.sessions();
    // One session per node, the two throttled ones twice.
    expect(sessions).toHaveLength(22);
    expect(sessions[0]).toEqual([
      "ssm",
      "start-session",
      "--target",
      target("big-cluster", at(0)),
      "--region",
      REGION,
      "--document-name",
      "AWS-StartNonInteractiveCommand",
      "--parameters",
      `command=sudo -n ${standIn.hpiam} diagnose --json --checks caller-identity,credential-source,aws-files,other-users --all-users`,
    ]);
    expect(result.stdout + result.stderr).not.toContain(laptop.AWS_SECRET_ACCESS_KEY);
    for (const secret of node.world.secrets) expect(result.stdout + result.stderr).not.toContain(secret);
  });

  it("--group and --nodes pick the nodes; the report for a person names each cause once", async () => {
    const picked = [ids[0] ?? "", ids[11] ?? "", ids[14] ?? "", "workers-99"];
    const result = await fleet([
      "diagnose",
      "--cluster",
      "big-cluster",
      "--group",
      "workers",
      "--nodes",
      picked.join(","),
    ]);
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toMatch(
      new RegExp(`✖ 1 node  ${picked[1]}  overridden: signs as arn:aws:iam::123456789012:user/alice`),
    );
    expect(result.stdout).toMatch(
      new RegExp(`– 1 node  ${picked[2]}  not-connected: SSM cannot reach its agent`),
    );
    expect(result.stdout).toMatch(
      /– 1 node {2}workers-99 {2}unknown-node: ListClusterNodes lists no such instance/,
    );
    expect(result.stdout).toMatch(new RegExp(`✔ 1 node  ${picked[0]}  healthy`));
    expect(result.stdout).toMatch(/✖ unhealthy {2}4 nodes: 1 healthy, 1 not healthy, 2 without an answer/);
  });

  it("is exit 3 with why per node when no node can be reached, the missing permission named", async () => {
    const result = await fleet(["whoami", "--cluster", "dark-cluster", "--json"]);
    expect(result.exitCode).toBe(3);
    const report = JSON.parse(result.stdout) as { nodes: Array<{ status: string; reason: string }> };
    expect(report.nodes.map((n) => n.status)).toEqual(["not-connected", "refused"]);
    expect(report.nodes[1]?.reason).toMatch(
      new RegExp(`ssm:StartSession on arn:aws:sagemaker:${REGION}:123456789012:cluster/dark-cluster`),
    );
  });

  it("says in one line that there is no such cluster", async () => {
    const result = await fleet(["whoami", "--cluster", "nope"]);
    expect(result.exitCode).toBe(3);
    expect(result.stderr).toMatch(/^hpiam: there is no HyperPod cluster "nope" in us-west-2/);
  });
});

describe("hpiam fleet --cluster judges every user on each node (root there)", () => {
  let node: SimulatedNode;
  let laptop: Record<string, string>;
  let ids: string[];
  let standIn: SsmStandIn;

  beforeAll(async () => {
    node = await startSimulatedNode();
    ids = (await createClusters(node, { "users-cluster": 3 }))["users-cluster"] ?? [];
    // Node 0: ubuntu ran `aws configure` in its own home; root's chain is the role's. Node 2: its user
    // database fails (SSSD down). Node 1: nothing wrong.
    const ubuntuHome = join(node.sandbox.root, "ubuntu-with-keys");
    await mkdir(join(ubuntuHome, ".aws"), { recursive: true });
    await writeFile(
      join(ubuntuHome, ".aws", "credentials"),
      `[default]\naws_access_key_id = ${node.world.leakedKey.accessKeyId}\naws_secret_access_key = ${node.world.leakedKey.secretAccessKey}\n`,
    );
    const bin = (name: string, getent: string) => {
      const dir = join(node.sandbox.root, "user-bins", name);
      return mkdir(dir, { recursive: true })
        .then(() => writeFile(join(dir, "getent"), getent, { mode: 0o755 }))
        .then(() => `${dir}:${node.env.PATH ?? ""}`);
    };
    const passwd = `root:x:0:0:root:${node.sandbox.rootHome}:/bin/bash\nubuntu:x:1000:1000::${ubuntuHome}:/bin/bash\n`;
    const keysPath = await bin("keys", `#!/bin/sh\nprintf '%s' '${passwd}' | grep "^\${3:-}" || exit 2\n`);
    const brokenPath = await bin(
      "broken",
      "#!/bin/sh\necho 'getent: cannot reach the directory server' >&2\nexit 1\n",
    );
    standIn = await createSsmStandIn(node.sandbox.root);
    await standIn.configure({
      targets: Object.fromEntries(ids.map((id) => [target("users-cluster", id), "healthy"])),
      nodeEnv: node.env,
      overriddenHome: node.sandbox.home,
      envByTarget: {
        [target("users-cluster", ids[0] ?? "")]: { PATH: keysPath },
        [target("users-cluster", ids[2] ?? "")]: { PATH: brokenPath },
      },
    });
    laptop = laptopEnv(node, standIn);
  });
  afterAll(async () => {
    await node?.stop();
  });

  const fleet = (args: string[]) =>
    node.hpiam(
      ["fleet", ...args, "--cluster", "users-cluster", "--hpiam", standIn.hpiam, "--timeout", "20"],
      laptop,
    );

  it("whoami and diagnose agree with recover --dry-run node by node; a node's own error document is named", async () => {
    for (const command of ["whoami", "diagnose"]) {
      const result = await fleet([command, "--json"]);
      const report = JSON.parse(result.stdout) as {
        nodes: Array<{
          status: string;
          reason: string | null;
          finding: { verdict: string; failing: string[] } | null;
        }>;
      };
      expect(report.nodes[0]?.finding?.failing, command).toContain("other-users");
      expect(report.nodes[0]?.finding?.verdict, command).toBe("unhealthy");
      expect(report.nodes[0]?.reason, command).toMatch(/^ubuntu: .*ubuntu-with-keys\/\.aws\/credentials/);
      expect(report.nodes[1]?.finding?.verdict, command).toBe("healthy");
      // The user database that failed is why node 2 cannot be called healthy.
      expect(report.nodes[2]?.finding?.verdict, command).toBe("unknown");
      expect(report.nodes[2]?.reason, command).toMatch(/getent passwd failed/);
    }
    const plan = await fleet(["recover", "--nodes", ids.join(","), "--dry-run", "--json"]);
    const planned = JSON.parse(plan.stdout) as {
      nodes: Array<{ name: string; status: string; reason: string }>;
    };
    expect(planned.nodes.map((n) => n.status)).toEqual(["planned", "nothing-to-do", "error"]);
    expect(planned.nodes[2]?.reason).toMatch(
      /^hpiam recover stopped there \(user-database\): cannot read the user database: getent passwd failed/,
    );
    const table = await fleet(["recover", "--nodes", ids.join(","), "--dry-run"]);
    expect(table.stdout).toMatch(
      new RegExp(`${ids[2]} +error +hpiam recover stopped there \\(user-database\\)`),
    );
  });
});
