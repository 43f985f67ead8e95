import {
  chmod,
  chown,
  lstat,
  mkdir,
  readdir,
  readFile,
  readlink,
  rm,
  symlink,
  writeFile,
} from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { EXECUTION_ROLE } from "../support/aws-world";
import { diagnoseReport, expectOneLineChecks } from "../support/diagnose-report";
import {
  expectCalm,
  expectOneLineError,
  leakedCredentials,
  NOBODY,
  type SimulatedNode,
  useSimulatedNode,
} from "../support/simulated-node";
import { treeSnapshot } from "../support/tree-snapshot";

// Hostile nodes: huge node files, unreadable or symlinked AWS files (hostile-home.test.ts: HOME, --user). Every
// case ends in its documented exit code, a message of one line (and a hint), no stack trace, no secret, and
// nothing changed outside the folder the command is about.

const AND_THEN =
  "remove them there if nothing else uses them (a home of its own: sudo hpiam recover --user <its owner>)";
const FIXTURES = fileURLToPath(new URL("../fixtures/hyperpod/", import.meta.url));

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** The top of `/` (its own mode and each entry's kind and mode): enough to see a recover that touched it. */
async function rootTop(): Promise<Record<string, string>> {
  const names = (await readdir("/")).sort();
  const entries = await Promise.all(
    names.map(async (name): Promise<[string, string]> => {
      const info = await lstat(join("/", name));
      return [name, `${info.isSymbolicLink() ? "link" : info.isDirectory() ? "dir" : "other"} ${info.mode}`];
    }),
  );
  return { "/": String((await lstat("/")).mode), ...Object.fromEntries(entries) };
}

async function clearHome(node: SimulatedNode): Promise<void> {
  for (const name of await readdir(node.sandbox.home)) {
    await rm(join(node.sandbox.home, name), { recursive: true, force: true });
  }
}

describe("node files far too large to be HyperPod's", () => {
  const node = useSimulatedNode();
  const FIFTY_MB = 50 * 1024 * 1024;
  let bigResource: string;
  let bigParams: string;

  /** A node folder whose `huge` file is its fixture followed by spaces up to 50 MB: still valid JSON. */
  async function nodeFolder(name: string, huge: string): Promise<string> {
    const dir = join(node.sandbox.root, name);
    await mkdir(dir, { recursive: true });
    for (const file of ["resource_config.json", "provisioning_parameters.json"]) {
      const content = await readFile(join(FIXTURES, file));
      const padded =
        file === huge ? Buffer.concat([content, Buffer.alloc(FIFTY_MB - content.length, " ")]) : content;
      await writeFile(join(dir, file), padded);
    }
    return join(dir, "resource_config.json");
  }

  beforeAll(async () => {
    bigResource = await nodeFolder("big-resource", "resource_config.json");
    bigParams = await nodeFolder("big-params", "provisioning_parameters.json");
  });
  /** Which file is huge, the resource_config to point hpiam at, and the file the message must name. */
  const HUGE: Array<[string, () => string, () => string]> = [
    ["resource_config.json", () => bigResource, () => bigResource],
    [
      "provisioning_parameters.json",
      () => bigParams,
      () => join(bigParams, "..", "provisioning_parameters.json"),
    ],
  ];

  it.each(HUGE)(
    "diagnose fails the hyperpod-node check on a 50 MB %s and still reports",
    async (_name, config, file) => {
      const before = await treeSnapshot(join(config(), ".."));
      const result = await node.hpiam(["diagnose", "--json", "--resource-config", config()]);
      expectCalm(node, result);
      expect(result.exitCode).toBe(1);
      const { doc, check } = diagnoseReport(result);
      expectOneLineChecks(doc);
      expect(doc.summary.status).toBe("unhealthy");
      expect(check("hyperpod-node")).toMatchObject({
        status: "fail",
        message: `${file()} is too large to be a HyperPod file (over 16 MB)`,
        remediation: expect.stringContaining("another node's copy"),
      });
      // The rest of the report is still there: the identity is the node's role.
      expect(check("caller-identity")).toMatchObject({ status: "pass" });
      expect(check("caller-identity").message).toContain(`assumed-role/${EXECUTION_ROLE}/SageMaker`);
      expect(await treeSnapshot(join(config(), ".."))).toEqual(before);
    },
  );

  it.each(HUGE)(
    "connect-head --print exits 3 naming the 50 MB %s, and runs no ssh",
    async (_name, config, file) => {
      const calls = (await node.sandbox.calls()).length;
      const result = await node.hpiam(["connect-head", "--print"], { HPIAM_RESOURCE_CONFIG: config() });
      expectOneLineError(
        node,
        result,
        3,
        new RegExp(`^hpiam: ${escapeRegExp(file())} is too large to be a HyperPod file`),
      );
      expect(await node.sandbox.calls()).toHaveLength(calls);

      const json = await node.hpiam(["connect-head", "--print", "--json", "--resource-config", config()]);
      expect(json.exitCode).toBe(3);
      expect(JSON.parse(json.stdout).error).toMatchObject({ code: "bad-node-file" });
    },
  );
});

describe("an unreadable ~/.aws/credentials, for a user without sudo", () => {
  const node = useSimulatedNode();
  let home: string;
  let credentials: string;

  beforeAll(async () => {
    // Readable by an ordinary user, as a node's homes and stub log are.
    await chmod(node.sandbox.root, 0o755);
    await chmod(node.env.HPIAM_STUB_LOG ?? "", 0o666);
    home = join(node.sandbox.root, "home", "nobody");
    credentials = join(home, ".aws", "credentials");
    await mkdir(join(home, ".aws"), { recursive: true });
    await writeFile(credentials, leakedCredentials(node));
    await chmod(credentials, 0o000);
    for (const path of [home, join(home, ".aws"), credentials]) await chown(path, NOBODY, NOBODY);
  });

  const asNobody = (args: string[]) => node.hpiam(args, { HOME: home }, { asNobody: true });

  it("whoami reports what every AWS tool uses, the instance profile, since none can read the file", async () => {
    const before = await treeSnapshot(home);
    const result = await asNobody(["whoami", "--json"]);
    expectCalm(node, result);
    expect(result.exitCode).toBe(0);
    const doc = JSON.parse(result.stdout);
    expect(doc.verdict.status).toBe("healthy");
    expect(doc.credentialSource.provider).toBe("instance-metadata");
    expect(doc.identity.arn).toContain(`assumed-role/${EXECUTION_ROLE}/SageMaker`);
    expect(await treeSnapshot(home)).toEqual(before);
  });

  it("diagnose does not call it fine: it warns that the file cannot be read, and says how to look inside", async () => {
    const before = await treeSnapshot(home);
    const result = await asNobody(["diagnose", "--json"]);
    expectCalm(node, result);
    const { doc, check } = diagnoseReport(result);
    expectOneLineChecks(doc);
    expect(result.exitCode).toBe(0);
    expect(check("aws-files")).toMatchObject({
      status: "warn",
      message: `cannot read ${credentials} (permission denied (EACCES), mode 0000): AWS tools skip it, so any keys in it are unused until it is readable`,
      remediation: expect.stringMatching(/^sudo hpiam diagnose\b/),
      details: {
        files: expect.arrayContaining([
          expect.objectContaining({ path: credentials, exists: true, readError: "EACCES", profiles: [] }),
        ]),
      },
    });
    expect(check("caller-identity").message).toContain(`assumed-role/${EXECUTION_ROLE}/SageMaker`);
    expect(result.stdout).not.toContain(node.world.leakedKey.accessKeyId);
    expect(await treeSnapshot(home)).toEqual(before);
  });

  it("recover has nothing it may move, and says it cannot see inside the file", async () => {
    const before = await treeSnapshot(home);
    const result = await asNobody(["recover", "--yes", "--no-reboot", "--json"]);
    expectCalm(node, result);
    expect(result.exitCode).toBe(0);
    const doc = JSON.parse(result.stdout);
    expect(doc).toMatchObject({ result: "nothing-to-do", steps: [] });
    expect(doc.notes).toContain(
      `cannot read ${credentials} (EACCES): AWS tools skip it, so it overrides nothing now, but any keys in it would once it is readable; sudo hpiam recover --dry-run looks inside`,
    );
    expect(await treeSnapshot(home)).toEqual(before);
  });
});

describe("a ~/.aws that is a symlink", () => {
  const node = useSimulatedNode();
  const link = () => join(node.sandbox.home, ".aws");
  let otherHome: string;
  let otherAws: string;

  beforeAll(async () => {
    otherHome = join(node.sandbox.root, "home", "other");
    otherAws = join(otherHome, ".aws");
    await mkdir(otherAws, { recursive: true, mode: 0o700 });
    await writeFile(join(otherAws, "credentials"), leakedCredentials(node), { mode: 0o600 });
    await writeFile(join(otherAws, "config"), "[default]\nregion = us-west-2\n", { mode: 0o600 });
    for (const path of [otherHome, otherAws, join(otherAws, "credentials"), join(otherAws, "config")]) {
      await chown(path, 1001, 1001);
    }
  });
  afterEach(() => clearHome(node));

  const backups = async () =>
    (await readdir(node.sandbox.home))
      .filter((name) => name.startsWith(".aws.hpiam-backup-"))
      .map((name) => join(node.sandbox.home, name));

  it("into another user's home: diagnose fails on the keys it reaches; recover moves only the link", async () => {
    await symlink(otherAws, link());
    const before = await treeSnapshot(otherHome);

    const diagnosed = await node.hpiam(["diagnose", "--json"]);
    expectCalm(node, diagnosed);
    expect(diagnosed.exitCode).toBe(1);
    const { doc, check } = diagnoseReport(diagnosed);
    expectOneLineChecks(doc);
    expect(check("aws-files")).toMatchObject({
      status: "fail",
      message: expect.stringContaining(
        `(${link()} is a symlink to ${otherAws}) override the instance profile`,
      ),
      details: { symlinkTarget: otherAws },
    });
    expect(check("credential-source").status).toBe("fail");

    const recovered = await node.hpiam(["recover", "--yes", "--no-reboot", "--json"]);
    expectCalm(node, recovered);
    expect(recovered.exitCode).toBe(0);
    const [backup = ""] = await backups();
    expect(JSON.parse(recovered.stdout)).toMatchObject({
      result: "recovered",
      backups: [backup],
      verification: { status: "healthy" },
      // Moving the link does not remove the keys: the admin is told where they still are.
      notes: [`${link()} is a symlink to ${otherAws}: the keys stay there; ${AND_THEN}`],
    });
    expect((await lstat(backup)).isSymbolicLink()).toBe(true);
    expect(await readlink(backup)).toBe(otherAws);
    expect(await treeSnapshot(otherHome)).toEqual(before);
    expect(await readdir(node.sandbox.home)).toEqual([backup.slice(node.sandbox.home.length + 1)]);
  });

  it("to /: diagnose finds no keys there; recover has nothing to do and leaves / and the link alone", async () => {
    await symlink("/", link());
    const before = await rootTop();

    const diagnosed = await node.hpiam(["diagnose", "--json"]);
    expectCalm(node, diagnosed);
    expect(diagnosed.exitCode).toBe(0);
    const { doc, check } = diagnoseReport(diagnosed);
    expectOneLineChecks(doc);
    expect(check("aws-files")).toMatchObject({
      status: "pass",
      message: `no credentials in ${link()} (${link()} is a symlink to /)`,
      details: { symlinkTarget: "/" },
    });
    expect(check("root-credentials").message).toBe(
      `no AWS credentials in ${join(node.sandbox.root, "root", ".aws")}`,
    );

    const recovered = await node.hpiam(["recover", "--yes", "--no-reboot", "--json"]);
    expectCalm(node, recovered);
    expect(recovered.exitCode).toBe(0);
    expect(JSON.parse(recovered.stdout).result).toBe("nothing-to-do");
    expect(await readlink(link())).toBe("/");
    expect(await backups()).toEqual([]);
    expect(await rootTop()).toEqual(before);
  });

  it("dangling: diagnose and recover run to their end without a crash", async () => {
    const gone = join(node.sandbox.root, "gone", ".aws");
    await symlink(gone, link());

    const diagnosed = await node.hpiam(["diagnose", "--json"]);
    expectCalm(node, diagnosed);
    expect(diagnosed.exitCode).toBe(0);
    const { doc, check } = diagnoseReport(diagnosed);
    expectOneLineChecks(doc);
    expect(check("aws-files")).toMatchObject({
      status: "pass",
      message: `no credentials in ${link()} (${link()} is a symlink to ${gone}, which does not exist)`,
      details: { symlinkTarget: gone },
    });

    const recovered = await node.hpiam(["recover", "--yes", "--no-reboot", "--json"]);
    expectCalm(node, recovered);
    expect(recovered.exitCode).toBe(0);
    expect(JSON.parse(recovered.stdout).result).toBe("nothing-to-do");
    expect(await readlink(link())).toBe(gone);
    expect(await readdir(node.sandbox.home)).toEqual([".aws"]);
  });
});
