import { join, relative } from "node:path";
import type { ChangedHome, SharedHomeReach } from "../contract/recover";
import type { Context } from "../context";
import type { RecoveryPlan } from "./model/recovery-plan";
import type { HomeSurvey } from "./model/recovery-survey";
import { type HomeMount, homeMount } from "../node/home-mount";

const FLEET =
  "hpiam fleet recover --nodes NODES --yes, from the head node: moves it once, verifies every node, reboots them through Slurm";

/** Steps that change a home's files (`verify` and `reboot` change none). */
const CHANGES_HOME = new Set([
  "move-aws-dir",
  "delete-aws-dir",
  "restore-aws-dir",
  "move-boto",
  "restore-boto",
  "finish-delete",
  "secure-backup",
]);
const CHANGES_AWS_DIR = new Set(["move-aws-dir", "delete-aws-dir", "restore-aws-dir"]);

/**
 * The homes the plan changes, each with the filesystem it is on, decided on this node from its mount table:
 * fleet moves a shared one once and reboots every node that mounts it; a local one is each node's own.
 */
export async function changedHomes(
  ctx: Context,
  homes: readonly HomeSurvey[],
  plan: RecoveryPlan,
): Promise<ChangedHome[]> {
  const users = new Set(plan.steps.flatMap((step) => (CHANGES_HOME.has(step.id) ? [step.user] : [])));
  return Promise.all(
    homes
      .filter((home) => users.has(home.user))
      .map(async (home) => changedHome(home, await homeMount(ctx, home.home))),
  );
}

function changedHome(home: HomeSurvey, at: HomeMount): ChangedHome {
  const { user, awsDir } = home;
  if (!at.found) return { user, home: home.home, awsDir: awsDir.path, shared: false, filesystem: null };
  const { fsType, source, mountPoint } = at.mount;
  const path = join("/", relative(mountPoint, at.realHome), ".aws");
  return {
    user,
    home: home.home,
    awsDir: awsDir.path,
    shared: at.shared,
    filesystem: { fsType, source, mountPoint, path },
  };
}

/** Homes on Lustre, NFS, ZFS… whose `~/.aws` the plan changes: every node mounting them sees the change. */
export function sharedHomesReached(
  changed: readonly ChangedHome[],
  plan: RecoveryPlan,
  undo: boolean,
): SharedHomeReach[] {
  const moving = new Set(plan.steps.flatMap((step) => (CHANGES_AWS_DIR.has(step.id) ? [step.user] : [])));
  return changed.flatMap(({ user, home, shared, filesystem }) => {
    if (!shared || !filesystem || !moving.has(user)) return [];
    const { fsType, mountPoint, source } = filesystem;
    return [
      {
        user,
        home,
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
