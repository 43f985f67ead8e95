import { execa } from "execa";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createExecutor } from "../../src/system/exec";
import { ends } from "../support/simulated-node";

// A wrapper whose child hangs, as a `getent` script's `sleep` or `sss` call does; it writes the child's pid. The
// child lets go of the pipes: only its group being killed ends it.
const HANGING_CHILD = 'sleep 30 >/dev/null 2>&1 & echo $! > "$0"; wait';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "hpiam-exec-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function childOf(pidFile: string): Promise<number> {
  for (;;) {
    const text = await readFile(pidFile, "utf8").catch(() => "");
    if (text.trim()) return Number(text);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe("the executor", () => {
  it("ends a command's whole process group at its deadline, and says it timed out", async () => {
    const pidFile = join(dir, "child.pid");
    const result = await createExecutor().run(["sh", "-c", HANGING_CHILD, pidFile], { timeoutMs: 300 });
    expect(result.timedOut).toBe(true);
    expect(await ends(await childOf(pidFile))).toBe(true);
  });

  it("says nothing timed out when the command answers in time", async () => {
    const result = await createExecutor().run(["sh", "-c", "echo answered"], { timeoutMs: 5000 });
    expect(result).toEqual({ exitCode: 0, stdout: "answered", stderr: "", timedOut: false });
  });

  it("feeds the input, keeps both outputs without their last line end, and the exit code", async () => {
    const result = await createExecutor().run(["sh", "-c", 'cat; printf "warned\\r\\n" >&2; exit 3'], {
      input: "first\nsecond\n\n",
    });
    expect(result).toEqual({ exitCode: 3, stdout: "first\nsecond\n", stderr: "warned", timedOut: false });
  });

  it("does not mind a command that exits without reading its input", async () => {
    const result = await createExecutor().run(["true"], { input: "x".repeat(1 << 20) });
    expect(result.exitCode).toBe(0);
  });

  it("says which command is not installed", async () => {
    await expect(createExecutor().run(["hpiam-no-such-command"])).rejects.toThrow(
      "`hpiam-no-such-command` is not installed or not on PATH",
    );
  });

  it("ends the children's groups too when hpiam itself is interrupted (Ctrl-C, SIGTERM)", async () => {
    const executor = fileURLToPath(new URL("../../src/system/exec.ts", import.meta.url));
    for (const signal of ["SIGINT", "SIGTERM"] as const) {
      const pidFile = join(dir, `${signal}.pid`);
      const script = `import { createExecutor } from ${JSON.stringify(executor)};
        await createExecutor().run(["sh", "-c", ${JSON.stringify(HANGING_CHILD)}, ${JSON.stringify(pidFile)}], { timeoutMs: 60000 });`;
      const hpiam = execa(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
        reject: false,
      });
      const child = await childOf(pidFile);
      hpiam.kill(signal);
      expect((await hpiam).signal).toBe(signal);
      expect(await ends(child), `${signal}: the child ${child}`).toBe(true);
    }
  });
});
