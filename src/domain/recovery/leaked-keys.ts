import type { ProfileFinding } from "../aws-profiles";
import { deactivateKeyCommand } from "./manual-fixes";
import type { HomeSurvey, RecoverySurvey } from "./recovery-survey";

/** A key recover moved aside, for the IAM admin's follow-up: deactivate it. */
export interface LeakedKey {
  user: string;
  profile: string;
  file: string;
  /** Masked. */
  accessKeyId: string;
  iamUser: string | null;
  command: string | null;
}

/** The leaked key's IAM user is known when the identity before recover signed with that very key. */
export function leakedKey(
  home: HomeSurvey,
  profile: ProfileFinding & { file: string },
  survey: RecoverySurvey,
): LeakedKey {
  const before = survey.identityBefore;
  const accessKeyId = profile.accessKeyId ?? "…";
  const iamUser =
    before?.type === "iam-user" && before.accessKeyId === accessKeyId && before.name ? before.name : null;
  return {
    user: home.user,
    profile: profile.profile,
    file: profile.file,
    accessKeyId,
    iamUser,
    command: deactivateKeyCommand(accessKeyId, iamUser ?? undefined) ?? null,
  };
}
