import type { Env, Files } from "../../src/context";
import type { ChainFiles, ReadIni } from "../../src/identity/model/botocore-chain";
import { parseIni } from "../../src/identity/model/configparser";

/**
 * The adapter's `botocoreFiles` over a fake's files: the same paths botocore reads under that environment, parsed
 * by the same configparser; a file the fake does not hold is not there.
 */
export function botocoreFilesIn(files: Pick<Files, "readText">): (env: Env) => Promise<ChainFiles> {
  return async (env) => {
    const at = (path: string) => (path.startsWith("~/") ? `${env.HOME ?? ""}${path.slice(1)}` : path);
    const text = (path: string) => files.readText(path).catch(() => undefined);
    const ini = async (path: string): Promise<ReadIni> => {
      const found = await text(at(path));
      if (found === undefined) return { path: at(path), state: "absent" };
      const parsed = parseIni(found);
      return parsed.ok
        ? { path: at(path), state: "parsed", sections: parsed.sections, lines: parsed.lines }
        : { path: at(path), state: "broken", line: parsed.line, reason: parsed.reason };
    };
    const boto = env.BOTO_CONFIG !== undefined ? [env.BOTO_CONFIG] : ["/etc/boto.cfg", "~/.boto"];
    return {
      config: await ini(env.AWS_CONFIG_FILE ?? "~/.aws/config"),
      credentials: await ini(env.AWS_SHARED_CREDENTIALS_FILE ?? "~/.aws/credentials"),
      botoFiles: await Promise.all(boto.map(ini)),
    };
  };
}
