/** /proc/mounts, and which filesystems every node of a cluster shares. */

export interface Mount {
  source: string;
  mountPoint: string;
  fsType: string;
}

/** Filesystems HyperPod clusters mount on every node (FSx for Lustre, FSx for OpenZFS over NFS, …). */
const SHARED_TYPES = new Set(["lustre", "nfs", "nfs4", "zfs", "cifs", "smb3", "ceph", "glusterfs", "gpfs"]);

/** Parses /proc/mounts (fstab(5) fields; spaces and tabs in paths come as octal escapes like `\040`). */
export function parseMounts(text: string): Mount[] {
  return text.split("\n").flatMap((line) => {
    const [source, mountPoint, fsType] = line.trim().split(/\s+/);
    if (!source || !mountPoint?.startsWith("/") || !fsType) return [];
    return [{ source: unescape(source), mountPoint: unescape(mountPoint), fsType }];
  });
}

/** The mount a path lives on: the longest mount point that contains it; of two at one point, the later (on top). */
export function mountContaining(mounts: readonly Mount[], path: string): Mount | undefined {
  let found: Mount | undefined;
  for (const mount of mounts) {
    if (!contains(mount.mountPoint, path)) continue;
    if (!found || mount.mountPoint.length >= found.mountPoint.length) found = mount;
  }
  return found;
}

/** Written once, seen on every node that mounts it: network and cluster filesystems, and FUSE ones (s3fs, …). */
export function isSharedFilesystem(fsType: string): boolean {
  return SHARED_TYPES.has(fsType) || fsType.startsWith("fuse.");
}

function contains(mountPoint: string, path: string): boolean {
  if (mountPoint === "/") return path.startsWith("/");
  return path === mountPoint || path.startsWith(`${mountPoint}/`);
}

function unescape(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));
}
