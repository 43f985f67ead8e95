import { shellWord } from "./manual-fixes";
import type { HomeSurvey } from "./recovery-survey";

/** A home recover was not asked to change whose `~/.aws` still signs: named, with the command that recovers it. */
export interface UntouchedKeys {
  user: string;
  home: string;
  path: string;
  /** `[default] static-keys, …` */
  found: string;
  command: string;
}

/**
 * What in a home's `~/.aws` overrides the instance profile, as `[profile] kind` (none: an empty list): static
 * keys in any profile, or whatever the profile its SDK uses supplies.
 */
export function overridingProfiles(home: HomeSurvey): string[] {
  const { awsDir } = home;
  if (awsDir.kind === "absent") return [];
  const found = awsDir.profiles.filter(
    (profile) => profile.kind === "static-keys" || profile.profile === home.activeProfile,
  );
  return [...new Set(found.map((profile) => `[${profile.profile}] ${profile.kind}`))];
}

/** Under sudo, root's own `~/.aws`: what root runs signs with it, and the SSM agent may too. */
export function untouchedKeys(bystanders: readonly HomeSurvey[]): UntouchedKeys[] {
  return bystanders.flatMap((home) => {
    const found = overridingProfiles(home);
    if (found.length === 0) return [];
    const command = `sudo hpiam recover --user ${shellWord(home.user)}`;
    return [{ user: home.user, home: home.home, path: home.awsDir.path, found: found.join(", "), command }];
  });
}
