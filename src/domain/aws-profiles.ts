import type { ProfileSection } from "../context";
import { maskKeyId } from "./mask";

/** What a profile section makes the SDK do instead of falling through to the instance profile. */
export type ProfileKind = "static-keys" | "assume-role" | "credential-process" | "sso" | "web-identity";

export interface ProfileFinding {
  profile: string;
  kind: ProfileKind;
  /** Masked; only for static keys. */
  accessKeyId?: string;
}

/** Profiles that supply credentials, in file order; settings-only profiles (region, output) are left out. */
export function credentialProfiles(sections: Record<string, ProfileSection>): ProfileFinding[] {
  return Object.entries(sections).flatMap(([profile, section]): ProfileFinding[] => {
    const kind = kindOf(section);
    if (!kind) return [];
    const keyId = section.aws_access_key_id;
    return [{ profile, kind, ...(kind === "static-keys" && keyId ? { accessKeyId: maskKeyId(keyId) } : {}) }];
  });
}

function kindOf(section: ProfileSection): ProfileKind | undefined {
  if (section.aws_access_key_id) return "static-keys";
  if (section.role_arn && section.web_identity_token_file) return "web-identity";
  if (section.role_arn) return "assume-role";
  if (section.credential_process) return "credential-process";
  if (section.sso_session || section.sso_start_url) return "sso";
  return undefined;
}

/** Group or other may read it: `aws configure` writes 0600, anything looser leaks the key to other users. */
export function isLooserThanOwnerOnly(mode: number): boolean {
  return (mode & 0o077) !== 0;
}
