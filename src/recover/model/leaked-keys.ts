import type { KeyPlace } from "../../identity/model/key-inventory";
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
  /** Other homes that reach the same key (a `~/.aws` linked to another's): listed once, with each of them. */
  alsoIn: Array<{ user: string; file: string }>;
}

/**
 * The leaked key's IAM user is known when the identity before recover signed with that very key, or when STS
 * said whose it is (the survey asked with the key itself).
 */
export function leakedKey(home: HomeSurvey, place: KeyPlace, survey: RecoverySurvey): LeakedKey {
  const before = survey.identityBefore;
  const accessKeyId = place.accessKeyId ?? "…";
  const signedBefore = before?.type === "iam-user" && before.accessKeyId === accessKeyId;
  const iamUser = (signedBefore ? before.name : survey.keyOwners?.[accessKeyId]) ?? null;
  return {
    user: home.user,
    profile: place.profile ?? place.section ?? "",
    file: place.path,
    accessKeyId,
    iamUser,
    command: deactivateKeyCommand(accessKeyId, iamUser ?? undefined) ?? null,
    alsoIn: [],
  };
}

/** One entry a key: where several homes reach the same key, the first names it and lists the others. */
export function onceEachKey(keys: readonly LeakedKey[]): LeakedKey[] {
  const byKey = new Map<string, LeakedKey>();
  for (const key of keys) {
    const first = byKey.get(key.accessKeyId);
    if (first && key.accessKeyId !== "…") first.alsoIn.push({ user: key.user, file: key.file });
    else
      byKey.set(key.accessKeyId === "…" ? `${key.user}\0${key.file}` : key.accessKeyId, {
        ...key,
        alsoIn: [],
      });
  }
  return [...byKey.values()];
}
