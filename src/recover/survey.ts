import { isAbsolute, join } from "node:path";
import type { AwsOptions, Context } from "../context";
import { BACKUP_PREFIX, BOTO_BACKUP_PREFIX, copiesIn, DELETING_PREFIX, utcStamp } from "./model/backup-names";
import { shellWord } from "../shell/model/shell-words";
import { printable } from "../output/printable";
import { recoverReach } from "./model/key-places";
import type { HomeSurvey, RecoverySurvey } from "./model/recovery-survey";
import { credentialVariablesIn } from "../shell/model/shell-exports";
import { identifyNode } from "../identity/identify";
import { holdsKeys, readBy } from "../identity/model/key-inventory";
import type { VerdictStatus } from "../identity/model/verdict";
import { UsageError } from "../errors";
import { type ChainView, scanAwsDir } from "../identity/aws-dir";
import { allUserHomes, type HomeList, invokingUserHome, namedUserHome, type UserHome } from "../node/homes";
import { resolvesOutside } from "../node/outside-home";
import { newShellOutcome } from "../identity/new-shells";
import { readShellStartup } from "../shell/find-exports";
import { readRebootDue } from "./recover-traces";
import { type HomeLocks, readLock } from "./lock";
import { ownersOfKeys } from "./key-files";

export interface TargetOptions {
  user?: string;
  allUsers?: boolean;
}

/** Whose `~/.aws`: `--user NAME`, `--all-users` (root), else the invoking user (SUDO_USER under sudo). */
export async function targetHomes(ctx: Context, options: TargetOptions): Promise<HomeList> {
  if (options.user !== undefined && options.allUsers) {
    throw new UsageError("--user and --all-users do not go together");
  }
  const root = ctx.user.uid === 0;
  if (options.allUsers) {
    if (!root) throw new UsageError("--all-users needs root", "Run: sudo hpiam recover --all-users");
    return allUserHomes(ctx);
  }
  if (options.user !== undefined) {
    const target = await namedUserHome(ctx, options.user);
    if (!root && target.user !== ctx.user.name) {
      const user = shellWord(printable(target.user));
      throw new UsageError(
        `--user ${user}: another user's home needs root`,
        `Run: sudo hpiam recover --user ${user}`,
      );
    }
    return { homes: [target] };
  }
  const invoking = await invokingUserHome(ctx);
  // A relative HOME would put the backup and the lock wherever this runs from, not in anyone's home.
  if (!isAbsolute(invoking.home)) {
    throw new UsageError(
      `HOME is not an absolute path (${printable(invoking.home)}): run with HOME set to your home, or --user NAME`,
      'Run: hpiam recover --user "$(id -un)"',
      "relative-home",
    );
  }
  return { homes: [invoking] };
}

/**
 * Under sudo with no --user or --all-users, root's own home is looked at too, never changed: what root runs signs
 * with its keys (the SSM agent's documents, and its connection where it shares its credentials there), and
 * `sudo hpiam recover` alone changes only SUDO_USER's home.
 */
export async function bystanderHomes(
  ctx: Context,
  options: TargetOptions,
  targets: readonly UserHome[],
): Promise<UserHome[]> {
  if (ctx.user.uid !== 0 || !ctx.user.sudoUser || options.user !== undefined || options.allUsers) return [];
  const root = await ctx.user.lookup("root").catch(() => undefined);
  if (root?.uid !== 0 || targets.some((target) => target.home === root.home)) return [];
  return [{ user: root.name, uid: root.uid, home: root.home, shell: root.shell }];
}

/**
 * Everything a plan is made from, read without changing anything. `locks`: the target homes' locks this run
 * holds (none for --dry-run, which reads them as they are).
 */
export async function surveyRecovery(
  ctx: Context,
  options: AwsOptions,
  targets: readonly UserHome[],
  action: "recover" | "undo",
  bystanders: readonly UserHome[] = [],
  locks?: HomeLocks,
): Promise<RecoverySurvey> {
  // Only this process's own home is read with its variables and AWS_PROFILE; another user's SDK would use default.
  const survey = (target: UserHome) =>
    surveyHome(
      ctx,
      target,
      target.home === ctx.user.home ? { env: ctx.env, profileFlag: options.profile } : undefined,
      locks,
    );
  const [surveyed, others, before] = await Promise.all([
    Promise.all(targets.map(survey)),
    Promise.all(bystanders.map(survey)),
    // Only informative (the leaked key's owner, whether to verify): STS is asked once. The chain the node's
    // processes use, as the verification's: --profile only says which profile counts as in use in ~/.aws.
    action === "recover"
      ? identityNow(ctx, { ...options, profile: undefined, ...chainFilesOf(ctx, targets), stsAttempts: 1 })
      : undefined,
  ]);
  const homes = surveyed.map((found) => found.home);
  const keyFiles = surveyed.flatMap((found) => found.keyFiles);
  const keyOwners =
    action === "recover" && !before?.silent
      ? await ownersOfKeys(ctx, homes, before?.identity?.accessKeyId, before?.region ?? options.region)
      : {};
  return {
    homes,
    bystanders: others.map((found) => found.home),
    keyOwners,
    ...machineStartup([...surveyed, ...others].map((found) => found.machine)),
    environment: credentialVariablesIn(ctx.env),
    ...(before?.identity ? { identityBefore: before.identity } : {}),
    ...(before ? { verdictBefore: before.verdict } : {}),
    ...(before?.silent ? { stsSilentBefore: true } : {}),
    keyFiles: [...new Map(keyFiles.map((file) => [file.path, file])).values()],
    isRoot: ctx.user.uid === 0,
    stamp: utcStamp(ctx.clock.now()),
  };
}

/** One home as botocore reads it for its user, and the key files outside it that recover only names. */
async function surveyHome(
  ctx: Context,
  target: UserHome,
  view: ChainView | undefined,
  locks: HomeLocks | undefined,
): Promise<{ home: HomeSurvey; keyFiles: RecoverySurvey["keyFiles"]; machine: StartupLines }> {
  const { home, user } = target;
  const dir = join(home, ".aws");
  const [scan, info, entries, lock, shells, rebootDue] = await Promise.all([
    scanAwsDir(ctx, home, view),
    ctx.files.lstat(dir).catch(() => undefined),
    ctx.files.readdir(home).catch(() => [] as string[]),
    locks?.stateOf(home) ?? readLock(ctx, home),
    readHomeShells(ctx, target),
    readRebootDue(ctx, home),
  ]);
  const { places, chain, unparseable } = scan.inventory;
  const profile = chain.profile.name;
  const reaching = (reach: ReturnType<typeof recoverReach>) =>
    places.filter((place) => recoverReach(place, home) === reach);
  const [boto] = reaching("boto");
  const broken = unparseable.filter((file) => recoverReach(file, home) === "aws-dir");
  const backups = await Promise.all(
    copiesIn(entries, BACKUP_PREFIX).map(async (copy) => {
      const path = join(home, copy.name);
      const found = await ctx.files.lstat(path).catch(() => undefined);
      return { ...copy, path, kind: found?.kind ?? "absent", ownerOnly: ((found?.mode ?? 0) & 0o077) === 0 };
    }),
  );
  const survey: HomeSurvey = {
    user,
    home,
    awsDir: {
      path: dir,
      kind: info?.kind ?? "absent",
      ...(scan.symlinkTarget === undefined ? {} : { symlinkTarget: scan.symlinkTarget }),
      outsideHome: info?.kind === "symlink" && (await resolvesOutside(ctx, dir, home)),
      accessDenied: scan.accessDenied,
      profiles: reaching("aws-dir"),
    },
    unreadableFiles: scan.files.flatMap((file) =>
      file.exists && !file.readable ? [{ path: file.path, code: file.readError ?? "EIO" }] : [],
    ),
    ...(broken.length > 0 ? { unparseable: broken } : {}),
    activeProfile: profile,
    backups,
    leftovers: copiesIn(entries, DELETING_PREFIX).map((copy) => join(home, copy.name)),
    ...(boto ? { boto } : {}),
    botoBackups: copiesIn(entries, BOTO_BACKUP_PREFIX).map((copy) => ({
      ...copy,
      path: join(home, copy.name),
    })),
    lock,
    ...(rebootDue.state === "due" ? { rebootDueSince: rebootDue.since } : {}),
    exports: shells.exports,
    undecided: shells.undecided,
    ...(shells.newShell ? { newShell: shells.newShell } : {}),
    entries,
  };
  // Keys in files a variable names, or machine-wide ones: named with what stops botocore reading them.
  const keyFiles = reaching("manual")
    .filter((place) => holdsKeys(place) || readBy(place, profile))
    .map((place) => ({ path: place.path, ...(place.namedBy ? { variable: place.namedBy } : {}) }));
  return { home: survey, keyFiles, machine: shells.machine };
}

type StartupLines = Pick<HomeSurvey, "exports" | "undecided">;

/**
 * What a new login shell of this user reads, as its login shell (the user database's) reads it: the home's own
 * startup lines, the machine's apart, and what they make that shell do.
 */
export async function readHomeShells(
  ctx: Context,
  { user, home, shell }: Pick<UserHome, "user" | "home" | "shell">,
): Promise<StartupLines & Pick<HomeSurvey, "newShell"> & { machine: StartupLines }> {
  const reading = await readShellStartup(ctx, home, { user, shell });
  const own = ({ path }: { path: string }) => path.startsWith(`${home}/`);
  const newShell = await newShellOutcome(ctx, reading.shells, home);
  return {
    exports: reading.exports.filter(own),
    undecided: reading.undecided.filter(own),
    ...(newShell ? { newShell } : {}),
    machine: {
      exports: reading.exports.filter((found) => !own(found)),
      undecided: reading.undecided.filter((found) => !own(found)),
    },
  };
}

/** The machine's startup lines (/etc), as each user's login shell reads them (bash's, zsh's): each once. */
function machineStartup(
  readings: readonly StartupLines[],
): Pick<RecoverySurvey, "systemExports" | "systemUndecided"> {
  const once = <T>(found: readonly T[], key: (item: T) => string) => [
    ...new Map(found.map((item) => [key(item), item])).values(),
  ];
  return {
    systemExports: once(
      readings.flatMap((reading) => reading.exports),
      ({ path, line, variable }) => `${path}:${line}:${variable}`,
    ),
    systemUndecided: once(
      readings.flatMap((reading) => reading.undecided),
      ({ path, line, why }) => `${path}:${line}:${why}`,
    ),
  };
}

/**
 * The files a chain reads to describe the one home recover changes, when that is not this process's own (under
 * sudo HOME is root's; `--user alice`): before and after, the identity is that home's, not root's.
 */
export function chainFilesOf(ctx: Context, targets: ReadonlyArray<{ home: string }>): AwsOptions {
  const [only] = targets;
  if (targets.length !== 1 || !only || only.home === ctx.user.home) return {};
  const dir = join(only.home, ".aws");
  return { sharedFiles: { credentialsPath: join(dir, "credentials"), configPath: join(dir, "config") } };
}

/** Who the chain signs as now (the leaked key's IAM user, for the admin's follow-up), and the verdict. */
async function identityNow(
  ctx: Context,
  options: AwsOptions,
): Promise<
  | {
      identity?: RecoverySurvey["identityBefore"];
      verdict: VerdictStatus;
      silent: boolean;
      region: string;
    }
  | undefined
> {
  const now = await identifyNode(ctx, options).catch(() => undefined);
  if (!now) return undefined;
  const identity = now.identity && {
    arn: now.identity.arn,
    type: now.identity.type,
    ...(now.identity.name ? { name: now.identity.name } : {}),
    ...(now.credentialSource ? { accessKeyId: now.credentialSource.accessKeyId } : {}),
  };
  return {
    ...(identity ? { identity } : {}),
    verdict: now.verdict.status,
    silent: now.problem?.kind === "unreachable",
    region: now.region,
  };
}
