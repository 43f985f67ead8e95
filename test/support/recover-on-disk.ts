import { mkdtemp, realpath, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { recover } from "../../src/recover/recover";
import type { RecoverOptions, RecoverResult } from "../../src/recover/types";
import type { Context, PasswdEntry } from "../../src/context";
import { createFiles } from "../../src/system/files";
import { onRealHome } from "./real-home";
import { recordingFiles } from "./recording-files";

/** Fresh temp dir per run, removed whatever the run did. */
export async function inTempRoot<T>(body: (root: string) => Promise<T>): Promise<T> {
  const root = await realpath(await mkdtemp(join(tmpdir(), "hpiam-containment-")));
  try {
    return await body(root);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

/** The fake context on real files, recording what recover does with them. */
export function onDisk(home: string, users: PasswdEntry[], uid = 1000) {
  const recorded = recordingFiles(createFiles());
  return { ctx: onRealHome(home, { files: recorded.files, users, uid, name: "u" }), ...recorded };
}

/** Runs recover; a refusal it throws (UsageError, CannotRunError) is an outcome too. */
export async function attempt(options: RecoverOptions, ctx: Context): Promise<RecoverResult | Error> {
  return recover(options, ctx).catch((error: unknown) => error as Error);
}
