/** Who owns each static key recover sets aside, for the admin's deactivate command. */
import type { Context } from "../context";
import { classifyPrincipal } from "../identity/model/arn";
import type { HomeSurvey } from "./model/recovery-survey";
import { holdsKeys } from "../identity/model/key-inventory";

/**
 * The IAM user of each static key recover is about to set aside, asked of STS with that key (once each), so the
 * admin's deactivate command names the user; the key the chain signed with before is known already.
 */
export async function ownersOfKeys(
  ctx: Context,
  homes: readonly HomeSurvey[],
  known: string | undefined,
  region: string | undefined,
): Promise<Record<string, string>> {
  const keys = new Map<string, { path: string; section: string }>();
  for (const home of homes) {
    for (const place of [...home.awsDir.profiles, ...(home.boto ? [home.boto] : [])]) {
      if (holdsKeys(place) && place.accessKeyId && place.accessKeyId !== known && place.section !== undefined)
        keys.set(place.accessKeyId, { path: place.path, section: place.section });
    }
  }
  const owners = await Promise.all(
    [...keys].map(async ([keyId, { path, section }]) => {
      const arn = await ctx.aws.keyOwner(path, section, region ?? "us-east-1").catch(() => undefined);
      const principal = arn ? classifyPrincipal(arn) : undefined;
      return principal?.type === "iam-user" && principal.name ? [[keyId, principal.name] as const] : [];
    }),
  );
  return Object.fromEntries(owners.flat());
}
