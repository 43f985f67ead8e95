import { copyFile, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runHpiam, runProgram } from "../support/cli";
import { startSimulatedNode, type SimulatedNode } from "../support/simulated-node";

const BUNDLE = fileURLToPath(new URL("../../dist/hpiam.cjs", import.meta.url));

describe("the one-file bundle, as copied onto a node", () => {
  let node: SimulatedNode;
  let dir: string;
  beforeAll(async () => {
    node = await startSimulatedNode();
    dir = await mkdtemp(join(tmpdir(), "hpiam-one-file-"));
  });
  afterAll(async () => {
    await node?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  // The same file the single executable carries (npm run build:sea): no node_modules, no package.json.
  it("runs whoami alone in a folder of its own", async () => {
    const copy = join(dir, "hpiam.cjs");
    await copyFile(BUNDLE, copy);
    const result = await runProgram([process.execPath, copy, "whoami", "--json"], node.env);
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(result.stdout).verdict.status).toBe("healthy");
    for (const secret of node.world.secrets) expect(result.stdout + result.stderr).not.toContain(secret);
  });

  // Without it every start compiles the bundle again: whoami takes about half as long again.
  // diagnose: the bash parser sets a V8 flag when it loads, and a cache is only taken with the flags it was made
  // with; the build trains it where no startup file needs the parser, as on this healthy node.
  it.each([["--version"], ["whoami"], ["diagnose"]])(
    "starts %s from the code cache the build trained for this Node",
    async (arg) => {
      const result = await runHpiam([arg], { ...node.env, HPIAM_DEBUG_CODE_CACHE: "1" });
      expect(result.exitCode, result.stdout).toBe(0);
      expect(result.stderr).toContain("hpiam: code cache used");
    },
  );
});
