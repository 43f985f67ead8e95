import { chown, lstat, mkdir, readdir, readlink, rm, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { diagnoseReport, expectOneLineChecks } from "../support/diagnose-report";
import {
  expectCalm,
  leakedCredentials,
  type SimulatedNode,
  useSimulatedNode,
} from "../support/simulated-node";
import { treeSnapshot } from "../support/tree-snapshot";

// A hostile node whose ~/.aws is a symlink (the other hostile cases: hostile-*.test.ts). Every case ends in its
// documented exit code, no stack trace, no secret, and nothing changed outside the home the command is about.

const AND_THEN =
  "remove them there if nothing else uses them (a home of its own: sudo hpiam recover --user <its owner>)";

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
    // The link moved aside, and the memory that the reboot --no-reboot skipped is still due: nothing else.
    expect((await readdir(node.sandbox.home)).sort()).toEqual(
      [backup.slice(node.sandbox.home.length + 1), ".aws.hpiam-reboot-due"].sort(),
    );
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
