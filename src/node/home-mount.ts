import type { Context } from "../context";
import { isSharedFilesystem, type Mount, mountContaining, parseMounts } from "./model/mounts";

export const PROC_MOUNTS = "/proc/mounts";

export type HomeMount =
  | { found: false; why: string }
  | { found: true; home: string; realHome: string; mount: Mount; shared: boolean };

/** The mount that holds a home (`HPIAM_PROC_MOUNTS` names another table): Lustre, NFS, ZFS… reach other nodes. */
export async function homeMount(ctx: Context, home: string): Promise<HomeMount> {
  const mountsPath = ctx.env.HPIAM_PROC_MOUNTS ?? PROC_MOUNTS;
  const text = await ctx.files.readText(mountsPath).catch(() => undefined);
  if (text === undefined) return { found: false, why: `cannot read ${mountsPath}` };
  const realHome = await ctx.files.realpath(home).catch(() => home);
  const mount = mountContaining(parseMounts(text), realHome);
  if (!mount) return { found: false, why: `no mount in ${mountsPath} holds ${realHome}` };
  return { found: true, home, realHome, mount, shared: isSharedFilesystem(mount.fsType) };
}
