import { execa } from "execa";
import { mkdir, readdir, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { RecoverResult } from "../../src/recover/types";
import { diagnoseReport } from "../support/diagnose-report";
import { lockIn } from "../support/recover-lock";
import { CLI } from "../support/cli";
import { expectNoSecrets, type SimulatedNode, useSimulatedNode } from "../support/simulated-node";

const RUNS = 8;
const ROUNDS = 3;

/** `aws configure`'s files, put back as they were before each round. */
async function putKeysBack(node: SimulatedNode, original: Record<string, Buffer>): Promise<void> {
  for (const name of await readdir(node.sandbox.home)) {
    if (name.startsWith(".aws")) await rm(join(node.sandbox.home, name), { recursive: true, force: true });
  }
  await mkdir(join(node.sandbox.home, ".aws"));
  for (const [name, bytes] of Object.entries(original)) {
    await writeFile(join(node.sandbox.home, ".aws", name), bytes, { mode: 0o600 });
  }
}

async function filesIn(dir: string): Promise<Record<string, Buffer>> {
  const names = await readdir(dir);
  const files = await Promise.all(names.map(async (n) => [n, await readFile(join(dir, n))] as const));
  return Object.fromEntries(files);
}

/** An admin's loop, fleet and the user at the same moment: all started before any has finished. */
function recoverAtOnce(node: SimulatedNode) {
  return Promise.all(
    Array.from({ length: RUNS }, () =>
      execa(process.execPath, [CLI, "recover", "--yes", "--no-reboot", "--json"], {
        env: node.env,
        extendEnv: false,
        reject: false,
        stdin: "ignore",
      }),
    ),
  );
}

describe(`${RUNS} hpiam recover at the same moment on one home`, () => {
  const node = useSimulatedNode();

  it(`exactly one moves the keys aside, the others find nothing to do or name it; ${ROUNDS} rounds`, async () => {
    await node.runAwsConfigure();
    const original = await filesIn(join(node.sandbox.home, ".aws"));
    for (let round = 1; round <= ROUNDS; round++) {
      await putKeysBack(node, original);
      const runs = await recoverAtOnce(node);
      const docs = runs.map((run) => {
        expect(run.stderr, `round ${round}`).not.toMatch(/\bat .+:\d+:\d+\)?$/m);
        return JSON.parse(run.stdout) as RecoverResult;
      });
      const summary = docs.map((doc) => `${doc.result}: ${doc.reason}`).join("\n");
      expectNoSecrets(node, ...runs.map((run) => ({ ...run, exitCode: run.exitCode ?? -1 })));

      const recovered = docs.filter((doc) => doc.result === "recovered");
      expect(recovered, `round ${round}:\n${summary}`).toHaveLength(1);
      expect(docs.filter((doc) => doc.result !== "recovered" && doc.result !== "nothing-to-do")).toEqual([]);
      for (const doc of docs.filter((candidate) => candidate.result === "nothing-to-do")) {
        // Either it waited and found the keys gone, or it names the run that holds the home, with its pid.
        expect(doc.reason, `round ${round}`).toMatch(
          /^no credentials in ~\/\.aws override the instance profile .*a reboot is still due|another hpiam recover \(pid \d+ on /,
        );
      }
      expect(runs.map((run) => run.exitCode)).toEqual(Array(RUNS).fill(0));

      const entries = await readdir(node.sandbox.home);
      expect(entries, `round ${round}`).not.toContain(".aws.hpiam-lock");
      expect(entries).not.toContain(".aws");
      const backups = entries.filter((name) => name.startsWith(".aws.hpiam-backup-"));
      expect(backups.map((name) => join(node.sandbox.home, name))).toEqual(recovered[0]?.backups);
      expect(await filesIn(join(node.sandbox.home, backups[0] ?? ""))).toEqual(original);
    }
    expect(await lockIn(node.sandbox.home)).toBe(false);
  });
});

/** This machine's boot id, as a lock written in this boot holds it. */
const bootId = async () => (await readFile("/proc/sys/kernel/random/boot_id", "utf8")).trim();

/** A lock as hpiam writes it: a symlink whose target is the holder. */
async function lockOf(node: SimulatedNode, holder: Record<string, unknown>): Promise<void> {
  await symlink(JSON.stringify(holder), join(node.sandbox.home, ".aws.hpiam-lock"));
}

describe("hpiam recover and a lock it finds in the home", () => {
  const node = useSimulatedNode();
  const lock = () => join(node.sandbox.home, ".aws.hpiam-lock");
  let original: Record<string, Buffer>;

  /** Recovers through whatever is at the lock: keys moved aside, and no lock (nor its .next) left. */
  async function expectRecoveredThrough(what: string) {
    const result = await node.hpiam(["recover", "--yes", "--no-reboot", "--json"]);
    const doc = JSON.parse(result.stdout) as RecoverResult;
    expect(result.exitCode, `${what}: ${doc.reason}`).toBe(0);
    expect(doc.result, what).toBe("recovered");
    const entries = await readdir(node.sandbox.home);
    expect(
      entries.filter((name) => name.startsWith(".aws.hpiam-lock")),
      what,
    ).toEqual([]);
    expect(entries, what).not.toContain(".aws");
    return doc;
  }

  it("takes over a lock file of garbage, however fresh: no other run is named, the keys move", async () => {
    await node.runAwsConfigure();
    original = await filesIn(join(node.sandbox.home, ".aws"));
    await writeFile(lock(), "garbage\n");
    await expectRecoveredThrough("a garbage lock");
  });

  it("takes over a lock that is a symlink to a file, and never touches that file", async () => {
    await putKeysBack(node, original);
    const target = join(node.sandbox.root, "precious");
    await writeFile(target, "not a lock\n");
    await symlink(target, lock());
    await expectRecoveredThrough("a lock linked to a file");
    expect(await readFile(target, "utf8")).toBe("not a lock\n");
  });

  it("takes over a lock whose run is dead, or from another boot", async () => {
    await putKeysBack(node, original);
    const ended = await execa("sh", ["-c", "echo $$"]);
    const startedAt = new Date().toISOString();
    await lockOf(node, { pid: Number(ended.stdout), host: hostname(), bootId: await bootId(), startedAt });
    const dead = await expectRecoveredThrough("a dead run's lock");
    expect(dead.notes).toContain(
      `a recover that stopped early left a lock (pid ${ended.stdout}, ${startedAt}); it is cleared`,
    );

    await putKeysBack(node, original);
    await lockOf(node, { pid: process.pid, host: hostname(), bootId: "an-earlier-boot", startedAt });
    await expectRecoveredThrough("a lock from another boot");
  });

  it("leaves a home a live run holds: diagnose and recover name it by its pid, keys and lock stay", async () => {
    await putKeysBack(node, original);
    const holder = execa("sleep", ["600"]);
    try {
      const startedAt = new Date().toISOString();
      await lockOf(node, { pid: holder.pid, host: hostname(), bootId: await bootId(), startedAt });
      const { check } = diagnoseReport(await node.hpiam(["diagnose", "--checks", "aws-files", "--json"]));
      expect(check("aws-files")).toMatchObject({
        status: expect.stringMatching(/^(warn|fail)$/),
        message: expect.stringContaining(
          `hpiam recover is working on ${node.sandbox.home} (pid ${holder.pid} on ${hostname()}, ${startedAt})`,
        ),
      });

      const result = await node.hpiam(["recover", "--yes", "--no-reboot", "--json"]);
      expect(result.exitCode).toBe(0);
      const doc = JSON.parse(result.stdout) as RecoverResult;
      expect(doc.result).toBe("nothing-to-do");
      expect(doc.reason).toContain(`another hpiam recover (pid ${holder.pid} on ${hostname()}`);
      expect(await filesIn(join(node.sandbox.home, ".aws"))).toEqual(original);
      expect(await lockIn(node.sandbox.home)).toBe(true);
    } finally {
      holder.kill();
      await holder.catch(() => undefined);
    }
  });
});
