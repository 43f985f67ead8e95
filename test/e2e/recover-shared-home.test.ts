import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { RecoverResult } from "../../src/recover/types";
import { expectNoSecrets, useSimulatedNode } from "../support/simulated-node";

const SCONTROL = 'sudo scontrol reboot ASAP nextstate=resume reason="hpiam recover" NODES';

describe("hpiam recover of a home on Lustre, which every node of the cluster mounts", () => {
  const node = useSimulatedNode();
  const homes = () => `${node.sandbox.root}/home`;
  const onLustre = async () => {
    const mounts = join(node.sandbox.root, "mounts");
    await writeFile(
      mounts,
      `/dev/nvme0n1p1 / ext4 rw 0 0\nfs-0123456789abcdef0.fsx.us-west-2.amazonaws.com@tcp:/abcdefgh ${homes()} lustre rw,flock 0 0\n`,
    );
    return { HPIAM_PROC_MOUNTS: mounts };
  };

  it("says the change reaches every node that mounts it, and what each of them needs", async () => {
    await node.runAwsConfigure();
    const env = await onLustre();
    const plan = await node.hpiam(["recover", "--dry-run"], env);
    expect(plan.exitCode).toBe(0);
    expect(plan.stdout).toContain(
      `${node.sandbox.home} is on lustre: this change reaches every node that mounts ${homes()} (fs-0123456789abcdef0.fsx.us-west-2.amazonaws.com@tcp:/abcdefgh), not this node only`,
    );
    expect(plan.stdout).toMatch(
      /they need a reboot each: processes there .* keep the keys they loaded\n +sudo scontrol/,
    );
    expect(plan.stdout).toContain(
      "or, instead of this run: hpiam fleet recover --nodes NODES --yes, from the head node",
    );

    const result = await node.hpiam(["recover", "--yes", "--no-reboot", "--json"], env);
    expect(result.exitCode, result.stdout).toBe(0);
    const doc = JSON.parse(result.stdout) as RecoverResult;
    expect(doc.result).toBe("recovered");
    expect(doc.sharedHomes).toEqual([
      expect.objectContaining({
        home: node.sandbox.home,
        fsType: "lustre",
        mountPoint: homes(),
        command: SCONTROL,
      }),
    ]);
    const human = await node.hpiam(["recover", "--undo", "--yes"], env);
    expect(human.stdout).toMatch(/is on lustre: this change reaches every node .*\n +they need nothing more/);
    expectNoSecrets(node, plan, result, human);
  });

  it("on this node's own disk, says nothing of other nodes", async () => {
    await node.runAwsConfigure();
    const result = await node.hpiam(["recover", "--dry-run", "--json"]);
    expect(JSON.parse(result.stdout).sharedHomes).toEqual([]);
  });
});
