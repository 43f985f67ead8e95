import { describePlace, holdsKeys, type KeyPlace, readBy } from "../../identity/model/key-inventory";
import { shellWord } from "../../shell/model/shell-words";
import type { HomeSurvey } from "./recovery-survey";

/** A home recover was not asked to change whose `~/.aws` still signs: named, with the command that recovers it. */
export interface UntouchedKeys {
  user: string;
  home: string;
  path: string;
  /** `[default] static keys (AKIA…WXYZ), …` */
  found: string;
  command: string;
}

/**
 * What in a home's `~/.aws` overrides the instance profile, as `[profile] what` (none: an empty list): keys in any
 * profile, whatever the profile its SDK uses takes its keys from, and a file that stops botocore altogether.
 */
export function overridingProfiles(home: HomeSurvey): string[] {
  const { awsDir } = home;
  if (awsDir.kind === "absent") return [];
  const found = awsDir.profiles.filter((place) => holdsKeys(place) || readBy(place, home.activeProfile));
  const broken = (home.unparseable ?? []).map(
    (file) => `${file.path} cannot be parsed (line ${file.line}: ${file.reason})`,
  );
  return [...new Set([...found.map(describeFound), ...broken])];
}

/** `[default] static keys (AKIA…WXYZ)`. */
export function describeFound(place: KeyPlace): string {
  return `[${place.profile ?? place.section}] ${describePlace(place)}`;
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
