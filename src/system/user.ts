import { homedir, userInfo } from "node:os";
import type { Env, Executor, PasswdEntry, UserPort } from "../context";
import { parsePasswd } from "../node/model/passwd";
import { CannotRunError } from "../errors";

/** Below diagnose's 5 s per check, so a hanging directory service is named as such, not as a timeout. */
const GETENT_TIMEOUT_MS = 3000;
/** getent's exit code for "no such key": an answer, not a failure. */
const NOT_FOUND = 2;

/** The current user, and the user database as `getent` sees it (local files, SSSD/LDAP on HyperPod). */
export function createUserPort(env: Env, exec: Executor): UserPort {
  const me = currentUser(env);
  const looked = new Map<string, Promise<PasswdEntry | undefined>>();
  let everyone: Promise<PasswdEntry[]> | undefined;
  async function getent(...keys: string[]): Promise<PasswdEntry[]> {
    // `--`: a key is never an option to getent, whatever it starts with.
    const argv = ["getent", "passwd", ...(keys.length > 0 ? ["--", ...keys] : [])];
    const result = await exec.run(argv, { timeoutMs: GETENT_TIMEOUT_MS }).catch((error: unknown) => {
      throw userDatabaseError(`getent is not there (${(error as Error).message})`);
    });
    if (result.exitCode === 0) return parsePasswd(result.stdout);
    if (result.exitCode === NOT_FOUND && keys.length > 0) return [];
    const why = result.timedOut
      ? `getent passwd did not answer within ${GETENT_TIMEOUT_MS / 1000} s`
      : `getent passwd failed (exit ${result.exitCode}${firstLine(result.stderr)})`;
    throw userDatabaseError(why);
  }
  return {
    uid: me.uid,
    name: env.USER ?? me.name,
    home: me.home,
    ...(env.SUDO_USER && me.uid === 0 ? { sudoUser: env.SUDO_USER } : {}),
    // Asked once a name and run: diagnose's checks and the startup files' reading all want root's entry. Where
    // the whole database was listed, a name listed there is taken from it: one `getent` fewer. One the listing
    // lacks (SSSD does not enumerate by default) is asked for by name; a listing that failed or hung fails the
    // lookup with it, instead of making it wait a second time.
    lookup: (name) => {
      let entry = looked.get(name);
      if (!entry) {
        const asked = () => getent(name).then((found) => found[0]);
        entry = everyone
          ? everyone.then((entries) => entries.find((listed) => listed.name === name) ?? asked())
          : asked();
        looked.set(name, entry);
      }
      return entry;
    },
    all: () => (everyone ??= getent()),
  };
}

/**
 * This process's user. A uid the user database does not know (SSSD down, a container's arbitrary uid) is named by
 * its number, and its home is HOME, as it is for the SDK and botocore.
 */
function currentUser(env: Env): { uid: number; name: string; home: string } {
  try {
    const me = userInfo();
    return { uid: me.uid, name: me.username, home: homedir() };
  } catch (error) {
    const uid = process.getuid?.() ?? -1;
    if (!env.HOME) {
      throw new CannotRunError(
        `no home: HOME is not set and the user database does not know uid ${uid} (${(error as Error).message})`,
        "Set HOME to your home folder, or check the directory service (systemctl status sssd)",
        "user-database",
      );
    }
    return { uid, name: String(uid), home: env.HOME };
  }
}

function userDatabaseError(why: string): CannotRunError {
  return new CannotRunError(
    `cannot read the user database: ${why}`,
    "Check the directory service (systemctl status sssd), or name each user with --user NAME",
    "user-database",
  );
}

function firstLine(text: string): string {
  const line = text.trim().split("\n")[0];
  return line ? `: ${line}` : "";
}
