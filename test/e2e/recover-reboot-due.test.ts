import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { RecoverResult } from "../../src/recover/types";
import { diagnose } from "../support/diagnose-report";
import { expectNoSecrets, type SimulatedNode, useSimulatedNode } from "../support/simulated-node";

const REBOOT = process.getuid?.() === 0 ? "systemctl reboot" : "sudo -n systemctl reboot";

async function reboots(node: SimulatedNode): Promise<number> {
  const calls = await node.sandbox.calls();
  return calls.filter((call) => [call.command, ...call.args].join(" ") === REBOOT).length;
}

describe("a reboot recover skipped, remembered until the node reboots", () => {
  const node = useSimulatedNode();
  const memory = () => join(node.sandbox.home, ".aws.hpiam-reboot-due");

  it("recover --yes --no-reboot moves the keys aside and says the reboot is still due", async () => {
    await node.runAwsConfigure();
    const result = await node.hpiam(["recover", "--yes", "--no-reboot"]);
    expectNoSecrets(node, result);
    expect(result.exitCode).toBe(0);
    expect(result.stdout.split("\n")[0]).toMatch(/^✔ recovered {2}.*a reboot is still due/);
    expect(existsSync(memory())).toBe(true);
  });

  it("diagnose warns that the reboot is still due, and gives the command that makes it", async () => {
    const { exitCode, check } = await diagnose(node);
    expect(exitCode).toBe(0);
    expect(check("aws-files")).toMatchObject({
      status: "warn",
      message: expect.stringMatching(
        /^a reboot is still due: hpiam recover moved the keys aside at \S+ without one/,
      ),
      remediation: "hpiam recover --yes",
    });
  });

  it("a second recover --yes --no-reboot says it is still due, lists it skipped, and does not reboot", async () => {
    const result = await node.hpiam(["recover", "--yes", "--no-reboot", "--json"]);
    expect(result.exitCode).toBe(0);
    const doc = JSON.parse(result.stdout) as RecoverResult;
    expect(doc.result).toBe("nothing-to-do");
    expect(doc.reason).toMatch(/a reboot is still due since \S+/);
    expect(doc.reboot.needed).toBe(true);
    expect(doc.steps.map((step) => `${step.id}:${step.status}`)).toEqual(["reboot:skipped"]);
    expect(await reboots(node)).toBe(0);
  });

  it("recover --yes plans the reboot still due, verifies, and reboots; after that nothing is due", async () => {
    const plan = await node.hpiam(["recover", "--yes", "--dry-run"]);
    expect(plan.stdout).toMatch(/note +a reboot is still due/);
    const result = await node.hpiam(["recover", "--yes"]);
    expect(result.exitCode, result.stdout).toBe(0);
    expect(result.stdout.split("\n")[0]).toMatch(/the node is rebooting/);
    // Once the reboot is requested, nothing says it is still due.
    expect(result.stdout).toMatch(/\n {2}reboot {2}requested \(/);
    expect(result.stdout).not.toMatch(/still due/);
    expect(await reboots(node)).toBe(1);
    expect(existsSync(memory())).toBe(false);

    const after = await node.hpiam(["recover", "--yes"]);
    expect(after.stdout).toMatch(/^✔ nothing-to-do .*no reboot needed/);
    expect(await reboots(node)).toBe(1);
  });
});
