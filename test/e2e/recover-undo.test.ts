import { chmod, readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { RecoverResult } from "../../src/recover/types";
import { LEAKED_USER } from "../support/aws-world";
import { expectNoSecrets, useSimulatedNode } from "../support/simulated-node";

describe("hpiam recover --undo", () => {
  const node = useSimulatedNode();
  const aws = () => join(node.sandbox.home, ".aws");

  it("gives ~/.aws back its own mode (0755 stays 0755) and says the old keys are back in use", async () => {
    await node.runAwsConfigure();
    await chmod(aws(), 0o755);
    const credentials = await readFile(join(aws(), "credentials"));
    const moved = await node.hpiam(["recover", "--yes", "--no-reboot", "--json"]);
    const [backup = ""] = (JSON.parse(moved.stdout) as RecoverResult).backups;
    expect((await stat(backup)).mode & 0o777).toBe(0o700);

    const undone = await node.hpiam(["recover", "--undo"]);
    expectNoSecrets(node, moved, undone);
    expect(undone.exitCode).toBe(0);
    expect(undone.stdout.split("\n")[0]).toMatch(
      /^! restored {2}put \S+\.aws\.hpiam-backup-\S+ back: the old keys are back in use/,
    );
    expect((await stat(aws())).mode & 0o777).toBe(0o755);
    expect(await readFile(join(aws(), "credentials"))).toEqual(credentials);
    // Nothing of the move is left beside ~/.aws: neither the backup nor the record of its mode.
    expect((await readdir(node.sandbox.home)).filter((name) => name.startsWith(".aws."))).toEqual([]);
    expect((await node.aws(["sts", "get-caller-identity"])).stdout).toContain(`user/${LEAKED_USER}`);
  });

  it("--json names the result restored", async () => {
    await node.hpiam(["recover", "--yes", "--no-reboot"]);
    const undone = await node.hpiam(["recover", "--undo", "--json"]);
    expect(undone.exitCode).toBe(0);
    expect(JSON.parse(undone.stdout)).toMatchObject({ action: "undo", result: "restored" });
  });
});
