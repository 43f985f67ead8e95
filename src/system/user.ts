import { homedir, userInfo } from "node:os";
import type { Env, Executor, PasswdEntry, UserPort } from "../context";
import { parsePasswd } from "../domain/node/passwd";

/** The current user, and the user database as `getent` sees it (local files, SSSD/LDAP on HyperPod). */
export function createUserPort(env: Env, exec: Executor): UserPort {
  const me = userInfo();
  async function getent(...keys: string[]): Promise<PasswdEntry[]> {
    // `--`: a key is never an option to getent, whatever it starts with.
    const argv = ["getent", "passwd", ...(keys.length > 0 ? ["--", ...keys] : [])];
    const result = await exec.run(argv, { timeoutMs: 5000 }).catch(() => undefined);
    return result && result.exitCode === 0 ? parsePasswd(result.stdout) : [];
  }
  return {
    uid: me.uid,
    name: env.USER ?? me.username,
    home: homedir(),
    ...(env.SUDO_USER && me.uid === 0 ? { sudoUser: env.SUDO_USER } : {}),
    lookup: async (name) => (await getent(name))[0],
    all: () => getent(),
  };
}
