import { isSharedFilesystem, mountContaining, parseMounts } from "../domain/node/mounts";
import { asInvoked, type Check } from "./check";

export const PROC_MOUNTS = "/proc/mounts";

/** The home's filesystem: on Lustre, NFS or ZFS, credentials written there reach every node that mounts it. */
export const sharedHome: Check = {
  id: "shared-home",
  title: "Shared home folder",
  async run({ facts }, ctx) {
    const { home } = await facts.home();
    const mountsPath = ctx.env.HPIAM_PROC_MOUNTS ?? PROC_MOUNTS;
    const text = await ctx.files.readText(mountsPath).catch(() => undefined);
    if (text === undefined) return { status: "skip", message: `cannot read ${mountsPath}` };
    const real = await ctx.files.realpath(home).catch(() => home);
    const mount = mountContaining(parseMounts(text), real);
    if (!mount) return { status: "skip", message: `no mount in ${mountsPath} holds ${real}` };
    const shared = isSharedFilesystem(mount.fsType);
    const details = { home, realHome: real, ...mount, shared };
    const where = `${home} is on ${mount.fsType} (${mount.source} at ${mount.mountPoint})`;
    if (!shared) return { status: "pass", message: `${where}: this node's own disk`, details };
    const { hasCredentials } = await facts.awsDir();
    return hasCredentials
      ? {
          status: "warn",
          message: `${where}: the keys in its ~/.aws reach every node that mounts it`,
          remediation: `${asInvoked(ctx, "hpiam recover")} once, then reboot every node that mounts ${mount.mountPoint}`,
          details,
        }
      : {
          status: "warn",
          message: `${where}: credentials written there reach every node that mounts it`,
          details,
        };
  },
};
