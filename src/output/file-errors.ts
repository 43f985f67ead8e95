/** A failed file operation in words a person acts on: what happened, and what to do about it. */
export interface FileFailure {
  /** `read-only file system (EROFS)`. */
  what: string;
  /** `remount that file system read-write`. */
  todo: string;
}

const PLAIN: Record<string, FileFailure> = {
  ENOSPC: { what: "no space left on the device", todo: "free some space on that file system" },
  EDQUOT: { what: "disk quota exceeded", todo: "free some space in the home" },
  EROFS: { what: "read-only file system", todo: "remount that file system read-write" },
  EACCES: { what: "permission denied", todo: "run it as the home's owner, or with sudo" },
  EPERM: {
    what: "operation not permitted",
    todo: "run it with sudo (or look for an immutable attribute with lsattr)",
  },
  EBUSY: { what: "in use (a mount point?)", todo: "unmount it first" },
  EIO: { what: "input/output error", todo: "check the device (dmesg)" },
  ELOOP: { what: "a symlink was swapped in", todo: "check who else is changing this home" },
};

/** From an errno code (`ENOSPC`); undefined for a code without advice of its own. */
export function describeFileFailure(code: string | undefined): FileFailure | undefined {
  const known = code ? PLAIN[code] : undefined;
  return known && { what: `${known.what} (${code})`, todo: known.todo };
}
