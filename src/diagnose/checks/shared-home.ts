import { homeMount } from "../../node/home-mount";
import { asInvoked, type Check } from "./check";

/** The home's filesystem: on Lustre, NFS or ZFS, credentials written there reach every node that mounts it. */
export const sharedHome: Check<"shared-home"> = {
  id: "shared-home",
  title: "Shared home folder",
  async run({ facts }, ctx) {
    const { home } = await facts.home();
    const found = await homeMount(ctx, home);
    if (!found.found) return { status: "skip", message: found.why };
    const { realHome: real, mount, shared } = found;
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
