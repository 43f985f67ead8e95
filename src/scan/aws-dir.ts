import { join } from "node:path";
import type { Context } from "../context";
import { credentialProfiles, isLooserThanOwnerOnly, type ProfileFinding } from "../domain/aws-profiles";

export interface AwsFileFinding {
  path: string;
  role: "credentials" | "config";
  exists: boolean;
  /** False when it exists but this user may not read it (another user's home, without sudo). */
  readable: boolean;
  /** Why it could not be read (an errno code such as EACCES), when it exists but could not be. */
  readError?: string;
  /** Its owner's uid, when it exists. */
  uid?: number;
  mode?: number;
  looserThanOwnerOnly: boolean;
  profiles: ProfileFinding[];
}

export interface AwsDirFinding {
  home: string;
  /** `<home>/.aws`. */
  dir: string;
  present: boolean;
  /** Where `~/.aws` points when it is a symlink. */
  symlinkTarget?: string;
  files: AwsFileFinding[];
  /** This user may not look inside the home at all (another user's, or /root, without sudo). */
  accessDenied: boolean;
  /** Some profile supplies credentials, so the SDK would use it before the instance profile. */
  hasCredentials: boolean;
}

/**
 * What `aws configure` (or anything else) left in a home's AWS files. For the invoking user pass the paths the
 * SDK uses (AWS_SHARED_CREDENTIALS_FILE, AWS_CONFIG_FILE); for others the defaults under their home apply.
 */
export async function scanAwsDir(
  ctx: Context,
  home: string,
  paths = { credentialsPath: join(home, ".aws", "credentials"), configPath: join(home, ".aws", "config") },
): Promise<AwsDirFinding> {
  const dir = join(home, ".aws");
  let dirInfo;
  try {
    dirInfo = await ctx.files.lstat(dir);
  } catch (error) {
    if ((error as { code?: string }).code !== "EACCES") throw error;
    return { home, dir, present: false, files: [], accessDenied: true, hasCredentials: false };
  }
  const [parsed, credentials, config] = await Promise.all([
    ctx.aws.sharedFiles(paths),
    describeFile(ctx, paths.credentialsPath, "credentials"),
    describeFile(ctx, paths.configPath, "config"),
  ]);
  const files = [
    { ...credentials, profiles: credentials.readable ? credentialProfiles(parsed.credentials) : [] },
    { ...config, profiles: config.readable ? credentialProfiles(parsed.config) : [] },
  ];
  const symlinkTarget =
    dirInfo?.kind === "symlink" ? await ctx.files.readlink(dir).catch(() => "?") : undefined;
  return {
    home,
    dir,
    present: dirInfo !== undefined,
    ...(symlinkTarget === undefined ? {} : { symlinkTarget }),
    files,
    accessDenied: false,
    hasCredentials: files.some((file) => file.profiles.length > 0),
  };
}

async function describeFile(
  ctx: Context,
  path: string,
  role: AwsFileFinding["role"],
): Promise<Omit<AwsFileFinding, "profiles">> {
  const info = await ctx.files.stat(path).catch(() => undefined);
  if (!info) return { path, role, exists: false, readable: false, looserThanOwnerOnly: false };
  const readError = await ctx.files.readText(path, { maxBytes: 1024 * 1024 }).then(
    () => undefined,
    (error: { code?: string }) => error.code ?? "EIO",
  );
  return {
    path,
    role,
    exists: true,
    readable: readError === undefined,
    ...(readError === undefined ? {} : { readError }),
    uid: info.uid,
    mode: info.mode,
    looserThanOwnerOnly: info.kind === "file" && isLooserThanOwnerOnly(info.mode),
  };
}
