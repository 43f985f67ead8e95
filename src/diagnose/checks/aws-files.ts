import type { AwsFilesDetails } from "../../contract/check-details";
import type { Context } from "../../context";
import { recoverReach } from "../../recover/model/key-places";
import { keyFileFix } from "../../recover/model/manual-fixes";
import { describeFileFailure } from "../../output/file-errors";
import { printable } from "../../output/printable";
import { readLock } from "../../recover/lock";
import { lockPath, type LockState } from "../../recover/model/lock-state";
import { readRebootDue } from "../../recover/recover-traces";
import {
  describePlace,
  describeWhere,
  holdsKeys,
  readBy,
  type KeyInventory,
  type KeyPlace,
} from "../../identity/model/key-inventory";
import type { AwsDirFinding, AwsFileFinding } from "../../identity/aws-dir";
import { asInvoked, type Check, type CheckOutcome, foldFindings } from "./check";

/**
 * ~/.aws/credentials and ~/.aws/config (or AWS_SHARED_CREDENTIALS_FILE, AWS_CONFIG_FILE): keys, modes; and the
 * other files botocore takes keys from (~/.boto, /etc/boto.cfg, BOTO_CONFIG's, AWS_CREDENTIAL_FILE's).
 */
export const awsFiles: Check<"aws-files"> = {
  id: "aws-files",
  title: "AWS shared files",
  async run({ facts }, ctx) {
    const [scan, home, onNode] = await Promise.all([facts.awsDir(), facts.home(), facts.onNode()]);
    const scanned = describeScan(scan);
    if (scan.accessDenied) {
      return { status: "skip", message: `cannot look inside ${scan.home}: run with sudo`, details: scanned };
    }
    // The profile this home's chain reads: another user's SDK (SUDO_USER's) reads their default profile.
    const active = scan.inventory.chain.profile.name;
    const fix = (place: Pick<KeyPlace, "path" | "namedBy">) =>
      recoverReach(place, home.home) === "manual"
        ? keyFileFix(place.path, place.namedBy).command
        : asInvoked(ctx, "hpiam recover");
    const findings: CheckOutcome[] = [];
    const unused: string[] = [];
    const [link, lock, due] = await Promise.all([
      symlinkNote(scan, ctx),
      readLock(ctx, home.home),
      readRebootDue(ctx, home.home),
    ]);
    const details = due.state === "due" ? { ...scanned, rebootDueSince: due.since } : scanned;
    const unfinished = recoverUnderWay(lock, scan, ctx);
    if (unfinished && lock.state !== "held") findings.push(unfinished);
    if (due.state === "due") {
      findings.push({
        status: "warn",
        message: `a reboot is still due: hpiam recover moved the keys aside at ${due.since} without one, and processes started before (the SSM agent) still hold them`,
        remediation: asInvoked(ctx, "hpiam recover --yes"),
      });
    }
    findings.push(...unparseable(scan.inventory, fix));
    for (const file of scan.files) {
      if (file.exists && !file.readable) findings.push(unreadable(file, ctx));
      const through = file.path.startsWith(`${scan.dir}/`) ? link : "";
      for (const place of file.profiles) {
        const where = `${describePlace(place)} in ${describeWhere(place)}${through}`;
        if (!readBy(place, active)) {
          if (holdsKeys(place)) {
            findings.push({
              status: "warn",
              message: `${where}, used when a tool selects that profile`,
              remediation: fix(place),
            });
          }
        } else if (onNode) {
          findings.push({
            status: "fail",
            message: `${where} ${holdsKeys(place) ? "override" : "overrides"} the instance profile`,
            remediation: fix(place),
          });
        } else {
          unused.push(where);
        }
      }
      if (file.looserThanOwnerOnly && file.mode !== undefined) {
        findings.push({
          status: "warn",
          message: `${file.path} is readable by other users (mode ${octal(file.mode)})`,
          remediation: `chmod 600 ${file.path}`,
        });
      }
    }
    for (const place of scan.inventory.places) {
      if (place.method !== "boto-config" && place.method !== "ec2-credentials-file") continue;
      const where = `${describePlace(place)} in ${describeKeyFile(place)}`;
      if (!onNode) unused.push(where);
      else
        findings.push({
          status: "fail",
          message: `${where}: boto3 and the AWS CLI sign with them before the instance profile`,
          remediation: fix(place),
        });
    }
    const otherwise: CheckOutcome =
      unused.length > 0
        ? { status: "pass", message: `${unused.join(", ")} (no instance profile here to override)` }
        : {
            status: "pass",
            message: scan.present ? `no credentials in ${scan.dir}${link}` : `${scan.dir} does not exist`,
          };
    const outcome = foldFindings(findings, otherwise, details);
    // A run at work is said whatever else is found: the keys it is about to move are what it works on.
    if (!unfinished || lock.state !== "held") return outcome;
    return outcome.status === "pass"
      ? { ...outcome, ...unfinished }
      : { ...outcome, message: `${outcome.message}; ${unfinished.message}` };
  },
};

/** A file botocore cannot parse: the AWS CLI stops where it reads it, whatever else the files hold. */
function unparseable(
  inventory: KeyInventory,
  fix: (place: Pick<KeyPlace, "path" | "namedBy">) => string,
): CheckOutcome[] {
  const { chain } = inventory;
  return inventory.unparseable.map((file) => {
    const stops =
      chain.kind === "broken" && chain.error.kind === "parse-error" && chain.error.path === file.path;
    return {
      status: stops ? "fail" : "warn",
      message: `botocore cannot parse ${file.path} (line ${file.line}: ${file.reason}): boto3 and the AWS CLI stop at it${stops ? "" : " once their chain gets that far"}`,
      remediation: fix(file),
    };
  });
}

/**
 * A recover running on this home, or one that stopped before the end (killed, or failed after moving
 * `~/.aws`): across a fleet, this is how an admin finds the nodes still waiting for their verify and reboot.
 */
function recoverUnderWay(lock: LockState, scan: AwsDirFinding, ctx: Context): CheckOutcome | undefined {
  const who =
    lock.state !== "free" && lock.holder
      ? ` (pid ${lock.holder.pid} on ${lock.holder.host}, ${lock.holder.startedAt})`
      : "";
  if (lock.state === "held") {
    return {
      status: "warn",
      message: `hpiam recover is working on ${scan.home}${who}: look again when it is done`,
    };
  }
  if (lock.state !== "stale") return undefined;
  if (!lock.holder) {
    return {
      status: "warn",
      message: `${lockPath(scan.home)} is not a lock hpiam wrote (no run's pid in it): the next hpiam recover takes it over`,
      remediation: asInvoked(ctx, "hpiam recover"),
    };
  }
  const moved =
    lock.holder.moving !== undefined && !scan.present ? `; ${scan.dir} is at ${lock.holder.moving}` : "";
  return {
    status: "warn",
    message: `hpiam recover stopped before it finished${who}${moved}: run it again to finish (verify, reboot)`,
    remediation: asInvoked(ctx, "hpiam recover"),
  };
}

/** Where a symlinked `~/.aws` leads: the files that decide this user's identity may be someone else's. */
async function symlinkNote(scan: AwsDirFinding, ctx: Context): Promise<string> {
  if (scan.symlinkTarget === undefined) return "";
  const target = printable(scan.symlinkTarget);
  const dangling = (await ctx.files.stat(scan.dir).catch(() => "unknown")) === undefined;
  return ` (${scan.dir} is a symlink to ${target}${dangling ? ", which does not exist" : ""})`;
}

/**
 * The SDK and the AWS CLI read a file they cannot open as empty: whatever it holds is unused now, and takes over
 * the moment it becomes readable. Root can look inside; root itself is refused only by a squashing file server.
 */
function unreadable(file: AwsFileFinding, ctx: Context): CheckOutcome {
  const why = describeFileFailure(file.readError)?.what ?? file.readError ?? "unreadable";
  const mode = file.mode === undefined ? "" : `, mode ${octal(file.mode)}`;
  return {
    status: "warn",
    message: `cannot read ${file.path} (${why}${mode}): AWS tools skip it, so any keys in it are unused until it is readable`,
    remediation:
      ctx.user.uid === 0
        ? `read it as its owner (uid ${file.uid ?? "?"}): a network file system may refuse root`
        : "sudo hpiam diagnose (root can read it and name what it holds)",
  };
}

function describeKeyFile(place: KeyPlace): string {
  const named = place.namedBy ? ` (${place.namedBy})` : "";
  return place.method === "boto-config"
    ? `the boto config ${place.path}${named} [Credentials]`
    : `${place.path}${named}`;
}

function describeScan(scan: AwsDirFinding): AwsFilesDetails {
  return {
    dir: scan.dir,
    present: scan.present,
    ...(scan.symlinkTarget === undefined ? {} : { symlinkTarget: scan.symlinkTarget }),
    files: scan.files.map((file) => ({
      path: file.path,
      exists: file.exists,
      ...(file.mode === undefined ? {} : { mode: octal(file.mode) }),
      ...(file.readError === undefined ? {} : { readError: file.readError }),
      profiles: file.profiles,
    })),
  };
}

export function octal(mode: number): string {
  return `0${(mode & 0o777).toString(8).padStart(3, "0")}`;
}
