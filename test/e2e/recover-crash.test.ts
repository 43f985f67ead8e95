import { execa } from "execa";
import { mkdir, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { diagnoseReport } from "../support/diagnose-report";
import { CLI } from "../support/cli";
import { type SimulatedNode, useSimulatedNode } from "../support/simulated-node";
import { lockIn } from "../support/recover-lock";

/** `~/.aws` and every backup next to it, each as file name → bytes. */
async function copies(node: SimulatedNode): Promise<Map<string, Record<string, Buffer>>> {
  const found = new Map<string, Record<string, Buffer>>();
  for (const name of await readdir(node.sandbox.home)) {
    if (name !== ".aws" && !name.startsWith(".aws.hpiam-backup-")) continue;
    const dir = join(node.sandbox.home, name);
    const files = await readdir(dir);
    found.set(
      name,
      Object.fromEntries(await Promise.all(files.map(async (f) => [f, await readFile(join(dir, f))]))),
    );
  }
  return found;
}

/** What `aws configure` wrote holds in exactly one place, whole. */
async function expectIntactOnce(node: SimulatedNode, original: Record<string, Buffer>, when: string) {
  const whole = [...(await copies(node))].filter(([, files]) => {
    const names = Object.keys(files).sort();
    return (
      names.join() === Object.keys(original).sort().join() &&
      names.every((n) => files[n]?.equals(original[n] ?? Buffer.alloc(0)))
    );
  });
  expect(whole.length, `${when}: ~/.aws or one backup holds the credentials, whole`).toBe(1);
  return whole[0]?.[0] ?? "";
}

function startRecover(node: SimulatedNode, args: string[]) {
  return execa(process.execPath, [CLI, "recover", ...args], {
    env: node.env,
    extendEnv: false,
    reject: false,
    stdin: "ignore",
  });
}

async function poll(check: () => Promise<boolean>, what: string): Promise<void> {
  for (const deadline = Date.now() + 15_000; Date.now() < deadline;) {
    if (await check().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`never saw ${what}`);
}

async function restoreAccident(node: SimulatedNode, original: Record<string, Buffer>) {
  for (const name of await readdir(node.sandbox.home)) {
    if (name.startsWith(".aws")) await rm(join(node.sandbox.home, name), { recursive: true, force: true });
  }
  await mkdir(join(node.sandbox.home, ".aws"));
  for (const [name, bytes] of Object.entries(original)) {
    await writeFile(join(node.sandbox.home, ".aws", name), bytes, { mode: 0o600 });
  }
}

describe("hpiam recover killed while it verifies", () => {
  // The role's credentials come 600 ms late (under the SDK's 1 s timeout): the run is inside verification then.
  const node = useSimulatedNode({ imds: { credentialsDelayMs: 600 } });

  it("leaves the backup whole, and the next run verifies and reboots", async () => {
    await node.runAwsConfigure();
    const original = (await copies(node)).get(".aws") ?? {};
    const run = startRecover(node, ["--yes"]);
    await poll(async () => {
      const backup = [...(await copies(node)).keys()].find((name) => name !== ".aws");
      return backup !== undefined && ((await stat(join(node.sandbox.home, backup))).mode & 0o777) === 0o700;
    }, "an owner-only backup");
    run.kill("SIGKILL");
    expect((await run).signal).toBe("SIGKILL");

    const kept = await expectIntactOnce(node, original, "killed while verifying");
    expect(kept).toMatch(/^\.aws\.hpiam-backup-/);
    expect(await lockIn(node.sandbox.home)).toBe(true);
    expect((await node.sandbox.calls()).filter((call) => call.args.includes("reboot"))).toEqual([]);

    // diagnose, as an admin would run it across the fleet, finds the node still waiting for its reboot.
    const { check } = diagnoseReport(await node.hpiam(["diagnose", "--json"]));
    expect(check("aws-files")).toMatchObject({
      status: "warn",
      message: expect.stringMatching(/^hpiam recover stopped before it finished \(pid \d+ /),
      remediation: "hpiam recover",
    });
    expect(check("aws-files").message).toContain(`is at ${join(node.sandbox.home, kept)}: run it again`);

    const next = await node.hpiam(["recover", "--yes"]);
    expect(next.exitCode).toBe(0);
    expect(next.stdout).toMatch(/^✔ recovered/);
    expect(next.stdout).toMatch(/finishing a recover that stopped early \(pid \d+/);
    expect((await node.sandbox.calls()).filter((call) => call.args.includes("reboot"))).toHaveLength(1);
    expect(await lockIn(node.sandbox.home)).toBe(false);
    expect(await expectIntactOnce(node, original, "after the next run")).toBe(kept);
  });
});

describe("hpiam recover killed at any moment", () => {
  const node = useSimulatedNode();

  it("always leaves the original or the backup whole, and the next run finishes", async () => {
    await node.runAwsConfigure();
    const original = (await copies(node)).get(".aws") ?? {};
    for (let delay = 100; delay <= 700; delay += 40) {
      await restoreAccident(node, original);
      const run = startRecover(node, ["--yes", "--no-reboot"]);
      await new Promise((resolve) => setTimeout(resolve, delay));
      run.kill("SIGKILL");
      await run;
      await expectIntactOnce(node, original, `killed after ${delay} ms`);

      const next = await node.hpiam(["recover", "--yes", "--no-reboot", "--json"]);
      expect(next.exitCode, `after a kill at ${delay} ms: ${next.stdout}`).toBe(0);
      expect(["recovered", "nothing-to-do"]).toContain(JSON.parse(next.stdout).result);
      const kept = await expectIntactOnce(node, original, `the run after a kill at ${delay} ms`);
      expect(kept, JSON.parse(next.stdout).reason + JSON.stringify(await readdir(node.sandbox.home))).toMatch(
        /^\.aws\.hpiam-backup-/,
      );
      expect((await stat(join(node.sandbox.home, kept))).mode & 0o777).toBe(0o700);
      expect(await lockIn(node.sandbox.home)).toBe(false);
    }
  });
});
