import { join } from "node:path";
import type { Context, Env } from "../context";
import { type KeyInventory, type KeyPlace, takeInventory } from "./model/key-inventory";

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
  /** The places in it that hold keys or make botocore fetch them. */
  profiles: KeyPlace[];
}

export interface AwsDirFinding {
  home: string;
  /** `<home>/.aws`. */
  dir: string;
  present: boolean;
  /** Where `~/.aws` points when it is a symlink. */
  symlinkTarget?: string;
  /** The shared credentials and config files botocore reads for this home. */
  files: AwsFileFinding[];
  /** Every place botocore takes keys from for this home: its shared files, boto configs, AWS_CREDENTIAL_FILE's. */
  inventory: KeyInventory;
  /** This user may not look inside the home at all (another user's, or /root, without sudo). */
  accessDenied: boolean;
  /** Some profile of the shared files supplies credentials, so the SDK would use it before the instance profile. */
  hasCredentials: boolean;
}

/** Whose chain reads the home: this process's own (its variables, --profile), or by default another user's. */
export interface ChainView {
  env: Env;
  profileFlag?: string;
}

/**
 * What `aws configure` (or anything else) left in the files botocore reads for a home. For this process's own
 * home pass its view (AWS_SHARED_CREDENTIALS_FILE, AWS_PROFILE, --profile, …); another user's SDK reads the
 * files under their home with its default profile.
 */
export async function scanAwsDir(
  ctx: Context,
  home: string,
  view: ChainView = { env: {} },
): Promise<AwsDirFinding> {
  const dir = join(home, ".aws");
  // botocore reads what it may and skips the rest: a home this user may not enter reads as empty.
  const files = await ctx.aws.botocoreFiles({ ...view.env, HOME: home });
  const inventory = takeInventory({ ...view, ...files, now: ctx.clock.now() });
  let dirInfo;
  try {
    dirInfo = await ctx.files.lstat(dir);
  } catch (error) {
    if ((error as { code?: string }).code !== "EACCES") throw error;
    return { home, dir, present: false, files: [], inventory, accessDenied: true, hasCredentials: false };
  }
  const inFile = (file: Omit<AwsFileFinding, "profiles">) => ({
    ...file,
    profiles: file.readable ? inventory.places.filter((place) => place.path === file.path) : [],
  });
  const described = [
    inFile(await describeFile(ctx, files.credentials.path, "credentials")),
    inFile(await describeFile(ctx, files.config.path, "config")),
  ];
  const symlinkTarget =
    dirInfo?.kind === "symlink" ? await ctx.files.readlink(dir).catch(() => "?") : undefined;
  return {
    home,
    dir,
    present: dirInfo !== undefined,
    ...(symlinkTarget === undefined ? {} : { symlinkTarget }),
    files: described,
    inventory,
    accessDenied: false,
    hasCredentials: described.some((file) => file.profiles.length > 0),
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
    // Group or other may read it: `aws configure` writes 0600, anything looser leaks the key to other users.
    looserThanOwnerOnly: info.kind === "file" && (info.mode & 0o077) !== 0,
  };
}
