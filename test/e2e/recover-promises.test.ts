import { appendFile, mkdir, readdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import type { RecoverResult } from "../../src/recover/types";
import { EXECUTION_ROLE } from "../support/aws-world";
import { lockIn } from "../support/recover-lock";
import { expectNoSecrets, leakedCredentials, useSimulatedNode } from "../support/simulated-node";

// Smaller promises of README's recover section, each as a user meets it on the node.

describe("hpiam recover keeps README's smaller promises", () => {
  const node = useSimulatedNode();
  const aws = () => join(node.sandbox.home, ".aws");
  const recoverJson = async (args: string[], env: Record<string, string> = {}) => {
    const result = await node.hpiam(["recover", ...args, "--json"], env);
    expectNoSecrets(node, result);
    return { exitCode: result.exitCode, doc: JSON.parse(result.stdout) as RecoverResult };
  };

  beforeEach(async () => {
    for (const name of await readdir(node.sandbox.home)) {
      if (name.startsWith(".aws") || name === ".bashrc") {
        await rm(join(node.sandbox.home, name), { recursive: true, force: true });
      }
    }
  });

  it("fails the verify step itself while a startup file still exports keys", async () => {
    await node.runAwsConfigure();
    await appendFile(
      join(node.sandbox.home, ".bashrc"),
      `export AWS_ACCESS_KEY_ID=${node.world.leakedKey.accessKeyId}\n`,
    );
    const { exitCode, doc } = await recoverJson(["--yes", "--no-reboot"]);
    expect(exitCode).toBe(1);
    expect(doc.result).toBe("failed");
    expect(doc.steps.find((step) => step.id === "verify")).toMatchObject({
      status: "failed",
      detail: expect.stringMatching(/^new shells still get AWS keys from \S+\/\.bashrc/),
    });
    const human = await node.hpiam(["recover", "--yes", "--no-reboot"]);
    expect(human.stdout).toMatch(/^✖ failed {2}new shells still get AWS keys/);
    expect(human.stdout).toMatch(/\n {4}✖ verify /);
    expect(human.stdout).not.toMatch(/✔ verify/);
  });

  it("--profile dev with keys only in [dev] moves them and verifies the chain new processes use, once", async () => {
    await mkdir(aws());
    await writeFile(join(aws(), "credentials"), leakedCredentials(node).replace("[default]", "[dev]"));
    const first = await recoverJson(["--profile", "dev", "--yes", "--no-reboot"]);
    expect(first.doc.result, first.doc.reason).toBe("recovered");
    expect(first.exitCode).toBe(0);
    expect(first.doc.verification).toMatchObject({
      status: "healthy",
      arn: expect.stringContaining(`assumed-role/${EXECUTION_ROLE}/`),
    });
    expect(await lockIn(node.sandbox.home)).toBe(false);

    const again = await recoverJson(["--profile", "dev", "--yes", "--no-reboot"]);
    expect(again.exitCode).toBe(0);
    expect(again.doc.result, again.doc.reason).toBe("nothing-to-do");
    expect(await lockIn(node.sandbox.home)).toBe(false);
  });

  it("--json gives every field README lists, null where it does not apply", async () => {
    await node.runAwsConfigure();
    const { doc } = await recoverJson(["--dry-run"], { AWS_PROFILE: "default" });
    const [user] = doc.users;
    expect(Object.keys(user?.awsDir ?? {}).sort()).toEqual(
      ["accessDenied", "kind", "outsideHome", "path", "profiles", "symlinkTarget"].sort(),
    );
    expect(user?.awsDir.symlinkTarget).toBeNull();
    expect(doc.manual).toEqual([
      {
        kind: "environment",
        path: null,
        lines: null,
        variables: ["AWS_PROFILE"],
        variable: null,
        newShell: null,
        line: null,
        why: null,
        credential: false,
        command: "unset AWS_PROFILE",
      },
    ]);
  });

  it("refuses --delete --no-reboot without a terminal, with advice that lifts the refusal", async () => {
    await node.runAwsConfigure();
    const { exitCode, doc } = await recoverJson(["--delete", "--no-reboot"]);
    expect(exitCode).toBe(2);
    expect(doc.result).toBe("refused");
    expect(doc.blockers).toEqual([
      {
        code: "needs-yes",
        message: "no terminal to ask at: refusing to delete ~/.aws without --yes",
        hint: "Add --yes to go ahead, or drop --delete to only move the keys aside (see --dry-run for the plan).",
      },
    ]);
    const both = await recoverJson(["--delete"]);
    expect(both.doc.blockers[0]?.message).toBe(
      "no terminal to ask at: refusing to delete ~/.aws and reboot the node without --yes",
    );
    expect(both.doc.blockers[0]?.hint).toMatch(
      /^Add --yes to go ahead, or drop --delete and add --no-reboot /,
    );
  });
});
