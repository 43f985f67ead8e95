/**
 * argv that runs `script` with sh in a mount namespace of its own (root only), its mounts private: what the script
 * mounts over this machine's paths (a node's own folders, a stand-in /etc file) is seen by what it runs alone.
 * `args` are the script's `$0`, `$1`, …; a command to run after them is the script's to `exec "$@"`.
 */
export function inPrivateMounts(script: string, ...args: string[]): string[] {
  return ["unshare", "--mount", "--propagation", "private", "--", "sh", "-c", script, ...args];
}
