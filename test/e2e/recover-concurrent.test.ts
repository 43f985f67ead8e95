import { execa } from "execa";
import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { RecoverResult } from "../../src/recover/types";
import { CLI, expectNoSecrets, type SimulatedNode, useSimulatedNode } from "../support/simulated-node";
import { lockIn } from "../support/recover-lock";

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
