import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { recover, recoverExitCode } from "../../src/recover/recover";
import type { RecoverOptions, RecoverResult } from "../../src/recover/types";
import type { Files } from "../../src/context";
import { MODE_PREFIX } from "../../src/recover/model/backup-names";
import { HpiamError } from "../../src/errors";
import { createFiles } from "../../src/system/files";
import { backupsIn, configuredHome, CREDENTIALS, onRealHome } from "../support/real-home";
import { CHANGING, interceptFiles } from "../support/recording-files";
import { lockIn } from "../support/recover-lock";

// recover cut short, or refused by the disk, at each file change in turn: ~/.aws or its backup is always whole,
// and the next run finishes the job.

let root: string;
let home: string;
beforeEach(async () => ({ root, home } = await configuredHome()));
afterEach(() => rm(root, { recursive: true, force: true }));

const run = (options: RecoverOptions, files?: Files) => {
  const ctx = onRealHome(home, files ? { files } : {});
  return { ctx, result: recover(options, ctx) };
};

/** Real files whose n-th change is replaced by `fault`; `reached` settles when it comes. */
function faultAt(n: number, fault: () => Promise<never>): { files: Files; reached: Promise<void> } {
  let count = 0;
  let arrive: () => void = () => {};
  const reached = new Promise<void>((resolve) => (arrive = resolve));
  const files = interceptFiles(createFiles(), (operation, _args, call) => {
    if (!CHANGING.has(operation) || count++ !== n) return call();
    arrive();
    return fault();
  });
  return { files, reached };
}

async function freshHome(): Promise<void> {
  await rm(home, { recursive: true, force: true });
  await mkdir(join(home, ".aws"), { recursive: true });
  await writeFile(join(home, ".aws", "credentials"), CREDENTIALS);
}

/**
 * rename(2) is atomic: `~/.aws` is whole or gone, and what it held is whole in exactly one place (or, with
 * --delete, gone).
 */
async function expectNothingLost(deleting: boolean, where: string): Promise<void> {
  const places = [join(home, ".aws"), ...(await backupsIn(home)).map((name) => join(home, name))];
  const whole = await Promise.all(
    places.map((dir) => readFile(join(dir, "credentials"), "utf8").catch(() => "")),
  );
  const found = whole.filter((text) => text === CREDENTIALS).length;
  if (deleting) expect(found + Number(!existsSync(join(home, ".aws"))), where).toBe(1);
  else expect(found, where).toBe(1);
}

/** The run after: recovered, rebooted, and the home holds the one owner-only backup (or nothing, --delete). */
async function expectNextRunFinishes(options: RecoverOptions, where: string): Promise<RecoverResult> {
  const { ctx: next, result: running } = run(options);
  const result = await running;
  expect(result.result, `${where}: ${result.reason}`).toBe("recovered");
  expect(next.ran, where).toEqual([["sudo", "-n", "systemctl", "reboot"]]);
  if (options.delete) {
    expect(await readdir(home), where).toEqual([]);
    return result;
  }
  const [backup = ""] = await backupsIn(home);
  expect(await readFile(join(home, backup, "credentials"), "utf8"), where).toBe(CREDENTIALS);
  expect((await stat(join(home, backup))).mode & 0o777, where).toBe(0o700);
  // Beside it, perhaps, the record of ~/.aws's mode (a run cut between the rename and that record has none).
  const left = (await readdir(home)).filter((name) => !name.startsWith(MODE_PREFIX));
  expect(left, where).toEqual([backup]);
  return result;
}

const RECOVERIES = [
  ["moving aside", { yes: true, delete: false }],
  ["deleting", { yes: true, delete: true }],
] as const;

describe("hpiam recover cut short at any file operation", () => {
  it.each(RECOVERIES)(
    "%s: leaves the original or the backup whole, and the next run finishes the job",
    async (_what, options) => {
      for (let n = 0; ; n++) {
        await freshHome();
        // A change that never happens and never returns: the state a SIGKILL there leaves.
        const { files, reached } = faultAt(n, () => new Promise(() => {}));
        const finished = run(options, files).result.then(() => true);
        if (await Promise.race([finished, reached.then(() => false)])) break; // no n-th change: all covered
        await expectNothingLost(options.delete, `cut at change ${n}`);
        await expectNextRunFinishes(options, `after a cut at change ${n}`);
      }
    },
  );
});

describe("hpiam recover when a file operation fails", () => {
  const FAULTS = [
    ["ENOSPC", "disk full", /no space left on the device \(ENOSPC\).*free some space/],
    [
      "EROFS",
      "read-only file system",
      /read-only file system \(EROFS\).*remount that file system read-write/,
    ],
    ["EACCES", "permission denied", /permission denied \(EACCES\).*run it as the home's owner, or with sudo/],
  ] as const;

  it.each(RECOVERIES.flatMap(([what, options]) => FAULTS.map((fault) => [what, ...fault, options] as const)))(
    "%s, %s (%s): one line of what and what to do, nothing lost, and the next run says what it found and finishes",
    async (_what, code, _name, says, options) => {
      for (let n = 0; ; n++) {
        await freshHome();
        const failure = Object.assign(new Error(`${code}: refused`), { code });
        const { files, reached } = faultAt(n, () => Promise.reject(failure));
        let arrived = false;
        void reached.then(() => (arrived = true));
        const outcome = await run(options, files).result.catch((error: HpiamError) => error);
        if (!arrived) break; // no n-th change: all covered
        const where = `${code} at change ${n}`;

        if (outcome instanceof HpiamError) {
          // The lock could not be taken: nothing was changed.
          expect(outcome.exitCode, where).toBe(3);
          expect(`${outcome.message} ${outcome.hint}`, where).toMatch(says);
          expect(await readdir(home), where).toEqual([".aws"]);
        } else if (outcome.result === "failed") {
          expect(recoverExitCode(outcome), where).toBe(1);
          expect(outcome.reason, where).toMatch(says);
          expect(outcome.reason, where).toMatch(/then run hpiam recover again$/);
          expect(outcome.reason, where).not.toContain("\n");
          expect(outcome.steps.at(-1), where).toMatchObject({ id: "reboot", status: "skipped" });
        } else {
          // Only removing its own lock at the end failed: the job itself is done.
          expect(outcome.result, where).toBe("recovered");
        }
        await expectNothingLost(options.delete, where);
        // A run that moved ~/.aws and then failed keeps its lock: it tells the next run where ~/.aws went.
        const moved = !existsSync(join(home, ".aws"));
        expect(await lockIn(home), where).toBe(moved);

        const next = await expectNextRunFinishes(options, `after ${where}`);
        if (moved) expect(next.notes.join("\n"), where).toMatch(/finishing a recover that stopped early/);
      }
    },
  );
});
