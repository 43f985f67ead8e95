import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { RecoverResult } from "../../src/recover/types";
import { requireTool } from "../support/processes";
import { CLI, runProgram } from "../support/cli";
import { expectCalm, expectNoSecrets, expectOneLineError, useSimulatedNode } from "../support/simulated-node";

// Smaller promises of the contract: a flag that would be ignored is refused, two accounts that disagree are
// named, and recover's JSON keeps every field and every step, with nothing asked unseen.

describe("flags that would be ignored or mixed up", () => {
  const node = useSimulatedNode();

  it("diagnose --role without --iam is a usage error (exit 2) that gives the command", async () => {
    const result = await node.hpiam(["diagnose", "--role", "HyperPodExecutionRole"]);
    expectOneLineError(node, result, 2, /^hpiam: --role needs --iam/);
    expect(result.stderr).toContain("hpiam diagnose --iam --role HyperPodExecutionRole");
  });

  it("policy ssm-server warns when --account and the --role-arn's account differ", async () => {
    const roleArn = "arn:aws:iam::111111111111:role/service-role/MyExecutionRole";
    const mixed = await node.hpiam([
      "policy",
      "ssm-server",
      "--role-arn",
      roleArn,
      "--account",
      "222222222222",
    ]);
    expect(mixed.exitCode).toBe(0);
    expect(JSON.parse(mixed.stdout)).toBeTypeOf("object");
    expect(mixed.stderr).toMatch(
      /--account 222222222222 differs from the account of --role-arn \(111111111111\)/,
    );
    const same = await node.hpiam([
      "policy",
      "ssm-server",
      "--role-arn",
      roleArn,
      "--account",
      "111111111111",
    ]);
    expect(same.stderr).not.toMatch(/differs/);
  });
});

describe("hpiam recover --json", () => {
  const node = useSimulatedNode();

  it("under --no-reboot lists the reboot as skipped, and every step has all its fields (null where none)", async () => {
    await node.runAwsConfigure();
    const result = await node.hpiam(["recover", "--yes", "--no-reboot", "--json"]);
    expectNoSecrets(node, result);
    expect(result.exitCode).toBe(0);
    const doc = JSON.parse(result.stdout) as RecoverResult;
    expect(doc.steps.map((step) => `${step.id}:${step.status}`)).toEqual([
      "move-aws-dir:done",
      "verify:done",
      "reboot:skipped",
    ]);
    expect(doc.steps.find((step) => step.id === "reboot")?.detail).toMatch(/--no-reboot/);
    expect(doc.steps.find((step) => step.id === "verify")).toMatchObject({
      user: null,
      path: null,
      to: null,
      command: null,
    });
    for (const step of doc.steps) {
      expect(Object.keys(step).sort()).toEqual(
        ["command", "detail", "id", "path", "status", "to", "user", "what"].sort(),
      );
    }
  });

  it("at a terminal shows the plan (on stderr) before it asks, and declining changes nothing", async () => {
    await requireTool("script");
    await node.hpiam(["recover", "--undo", "--yes"]);
    expect(existsSync(join(node.sandbox.home, ".aws"))).toBe(true);
    // script(1) gives the run a terminal; stdout and stderr both reach it, in the order they were written.
    const command = ["recover", "--json", "--no-reboot"];
    const terminal = await runProgram(
      [
        "script",
        "-qec",
        [process.execPath, CLI, ...command].map((word) => `'${word}'`).join(" "),
        "/dev/null",
      ],
      node.env,
      { input: "n\r" },
    );
    expectCalm(node, terminal);
    const screen = terminal.stdout;
    const plan = screen.indexOf("hpiam recover will:");
    const question = screen.indexOf("Carry out this plan?");
    expect(plan, screen).toBeGreaterThanOrEqual(0);
    expect(question).toBeGreaterThan(plan);
    expect(screen.slice(plan, question)).toMatch(/move-aws-dir/);
    expect(screen).toMatch(/"result": "refused"/);
    expect(existsSync(join(node.sandbox.home, ".aws"))).toBe(true);
  });
});
