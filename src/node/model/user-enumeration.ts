/**
 * Whether `getent passwd` lists every user. With SSSD as a source (HyperPod's Active Directory / LDAP setups), it
 * lists domain users only when a domain sets `enumerate = true`, which SSSD defaults to false: the other homes
 * exist, and nothing that enumerates sees them.
 */

/** The sources of the `passwd:` line of nsswitch.conf, without `[NOTFOUND=return]`-style actions. */
export function passwdSources(nsswitch: string): string[] {
  for (const raw of nsswitch.split("\n")) {
    const line = raw.replace(/#.*/, "").trim();
    const match = /^passwd\s*:(.*)$/.exec(line);
    if (match)
      return (match[1] ?? "")
        .replace(/\[[^\]]*\]/g, " ")
        .split(/\s+/)
        .filter(Boolean);
  }
  return ["files"];
}

/** Some `[domain/…]` section of sssd.conf (or a conf.d snippet) sets `enumerate = true`. */
export function sssdEnumerates(configs: readonly string[]): boolean {
  return configs.some((text) => {
    let inDomain = false;
    for (const raw of text.split("\n")) {
      const line = raw.trim();
      const section = /^\[(.*)\]$/.exec(line);
      if (section) inDomain = (section[1] ?? "").trim().startsWith("domain/");
      else if (inDomain && /^enumerate\s*=\s*(true|1|yes)\s*$/i.test(line)) return true;
    }
    return false;
  });
}

/** Why the user list may miss users, or undefined when it is complete. */
export function partialEnumeration(
  sources: readonly string[],
  sssdConfigs: readonly string[],
): string | undefined {
  if (!sources.includes("sss") || sssdEnumerates(sssdConfigs)) return undefined;
  return "SSSD does not enumerate its domain users (no enumerate = true in sssd.conf): getent passwd lists local users only";
}
