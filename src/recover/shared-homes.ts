import type { SharedHomeReach } from "../contract/recover";
import type { Context } from "../context";
import type { RecoveryPlan } from "./model/recovery-plan";
import type { HomeSurvey } from "./model/recovery-survey";
import { homeMount } from "../node/home-mount";

const FLEET =
  "hpiam fleet recover --nodes NODES --yes, from the head node: moves it once, verifies every node, reboots them through Slurm";

const CHANGES_AWS_DIR = new Set(["move-aws-dir", "delete-aws-dir", "restore-aws-dir"]);

/** Homes on Lustre, NFS, ZFS… whose `~/.aws` the plan changes: every node mounting them sees the change. */
export async function sharedHomesChanged(
  ctx: Context,
  homes: readonly HomeSurvey[],
  plan: RecoveryPlan,
  undo: boolean,
): Promise<SharedHomeReach[]> {
  const changed = new Set(plan.steps.flatMap((step) => (CHANGES_AWS_DIR.has(step.id) ? [step.user] : [])));
  const found = await Promise.all(
    homes
      .filter((home) => changed.has(home.user))
      .map(async (home) => ({ home, at: await homeMount(ctx, home.home) })),
  );
  return found.flatMap(({ home, at }) => {
    if (!at.found || !at.shared) return [];
    const { fsType, mountPoint, source } = at.mount;
    return [
      {
        user: home.user,
        home: home.home,
        fsType,
        mountPoint,
        reaches: `every node that mounts ${mountPoint} (${source}), not this node only`,
        needs: undo
          ? "nothing more: new processes on each of them sign with the restored keys again"
          : "a reboot each: processes there (the SSM agent, running jobs) keep the keys they loaded",
        command: undo ? null : 'sudo scontrol reboot ASAP nextstate=resume reason="hpiam recover" NODES',
        instead: undo ? null : FLEET,
      },
    ];
  });
}
