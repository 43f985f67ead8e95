/**
 * The key files recover weighs beside `~/.aws`: a home's `~/.boto` (moved with it), the boto configs and
 * AWS_CREDENTIAL_FILE's file it only names, a shared file a variable moved out of `~/.aws`, and who owns each
 * static key it sets aside.
 */
import { join } from "node:path";
import type { Context, KeyFile } from "../context";
import { classifyPrincipal } from "../domain/arn";
import type { HomeSurvey, RecoverySurvey } from "../domain/recovery/recovery-survey";
import type { CredentialSource } from "../identity/credential-source";
import type { UserHome } from "../scan/homes";

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
  const keys = new Map<string, { file: string; profile: string }>();
  for (const home of homes) {
    for (const found of home.awsDir.profiles) {
      if (found.kind === "static-keys" && found.accessKeyId && found.accessKeyId !== known)
        keys.set(found.accessKeyId, { file: found.file, profile: found.profile });
    }
    if (home.boto && home.boto.accessKeyId !== known)
      keys.set(home.boto.accessKeyId, { file: home.boto.path, profile: "Credentials" });
  }
  const owners = await Promise.all(
    [...keys].map(async ([keyId, { file, profile }]) => {
      const arn = await ctx.aws.keyOwner(file, profile, region ?? "us-east-1").catch(() => undefined);
      const principal = arn ? classifyPrincipal(arn) : undefined;
      return principal?.type === "iam-user" && principal.name ? [[keyId, principal.name] as const] : [];
    }),
  );
  return Object.fromEntries(owners.flat());
}

/** `<home>/.boto` with keys in [Credentials], unless BOTO_CONFIG sends botocore elsewhere: moved with ~/.aws. */
export type KeyFilesOf = (home: string) => Promise<KeyFile[]>;

/** Each home's key files, read once a run: the `~/.boto` recover moves and the files it only names come from it. */
export function keyFilesReader(ctx: Context): KeyFilesOf {
  const read = new Map<string, Promise<KeyFile[]>>();
  return (home) => {
    const files = read.get(home) ?? ctx.aws.keyFiles(home).catch(() => []);
    read.set(home, files);
    return files;
  };
}

export async function botoKeys(keyFiles: KeyFilesOf, home: string): Promise<HomeSurvey["boto"]> {
  const path = join(home, ".boto");
  const found = (await keyFiles(home)).find(
    (file) => file.path === path && !file.namedBy && file.accessKeyId !== undefined,
  );
  return found?.accessKeyId === undefined ? undefined : { path, accessKeyId: found.accessKeyId };
}

/**
 * The boto configs and AWS_CREDENTIAL_FILE's file that hold keys, for every home recovered (each once), but
 * a home's own ~/.boto: recover moves that aside itself.
 */
export async function keyFilesOf(
  keyFiles: KeyFilesOf,
  targets: readonly UserHome[],
): Promise<RecoverySurvey["keyFiles"]> {
  const found = await Promise.all(
    targets.map(async (target) =>
      (await keyFiles(target.home))
        .filter((file) => file.accessKeyId !== undefined)
        .filter((file) => file.namedBy !== undefined || file.path !== join(target.home, ".boto"))
        .map((file) => ({
          path: file.path,
          ...(file.namedBy ? { variable: file.namedBy } : {}),
          ...(file.path.startsWith(`${target.home}/`) ? { home: target.home } : {}),
        })),
    ),
  );
  return [...new Map(found.flat().map((file) => [file.path, file])).values()];
}

/** Keys in a shared file that AWS_SHARED_CREDENTIALS_FILE or AWS_CONFIG_FILE moved out of every `~/.aws`. */
export function movedSharedFile(
  ctx: Context,
  source: CredentialSource | undefined,
  targets: readonly UserHome[],
): RecoverySurvey["keyFiles"] {
  if (!source?.local || source.path === undefined) return [];
  const path = source.path;
  if (targets.some((target) => path.startsWith(`${join(target.home, ".aws")}/`))) return [];
  const variable = (["AWS_SHARED_CREDENTIALS_FILE", "AWS_CONFIG_FILE"] as const).find(
    (name) => ctx.env[name] === path,
  );
  return variable ? [{ path, variable }] : [];
}
