import type { PasswdEntry } from "../../context";

/** Parses passwd(5) lines (`name:x:uid:gid:gecos:home:shell`), skipping any that are malformed. */
export function parsePasswd(text: string): PasswdEntry[] {
  return text.split("\n").flatMap((line) => {
    const fields = line.split(":");
    if (fields.length !== 7) return [];
    const [name = "", , uid = "", gid = "", , home = "", shell = ""] = fields;
    if (!name || !/^\d+$/.test(uid) || !/^\d+$/.test(gid) || !home.startsWith("/")) return [];
    return [{ name, uid: Number(uid), gid: Number(gid), home, shell }];
  });
}
