/**
 * What PAM's pam_env puts in the environment before any shell starts (Linux-PAM 1.5, as Debian and Ubuntu ship
 * it): its settings on each `pam_env.so` line of /etc/pam.d, and the files those name, parsed as pam_env does.
 */

/** The files pam_env reads, in its order: the config file, the environment file, then the user's own. */
export interface PamEnvFiles {
  conf: string[];
  env: string[];
  /** Names in the user's home (`user_readenv=1`, `user_envfile=`, default `.pam_environment`). */
  user: string[];
}

const CONF = "/etc/security/pam_env.conf";
const ENV = "/etc/environment";

/** pam_env's files for these /etc/pam.d files' texts; undefined (no /etc/pam.d): pam_env's defaults. */
export function pamEnvFiles(services: readonly string[] | undefined): PamEnvFiles {
  if (services === undefined) return { conf: [CONF], env: [ENV], user: [] };
  const files: PamEnvFiles = { conf: [], env: [], user: [] };
  const add = (list: string[], path: string) => list.includes(path) || list.push(path);
  for (const text of services) {
    for (const line of text.split("\n")) {
      const words = line.replace(/#.*/, "").trim().split(/\s+/);
      const at = words.findIndex((word) => /(^|\/)pam_env\.so$/.test(word));
      if (at < 0) continue;
      const option = (name: string) =>
        words
          .slice(at + 1)
          .find((word) => word.startsWith(`${name}=`))
          ?.slice(name.length + 1);
      add(files.conf, option("conffile") || CONF);
      if ((Number.parseInt(option("readenv") ?? "1", 10) || 0) !== 0)
        add(files.env, option("envfile") || ENV);
      if ((Number.parseInt(option("user_readenv") ?? "0", 10) || 0) !== 0)
        add(files.user, option("user_envfile") || ".pam_environment");
    }
  }
  return files;
}

/** A variable a pam_env file defines, and the lines that do it (a line may go on after a backslash). */
export interface PamSetting {
  name: string;
  /** undefined: a value pam_env expands (`${HOME}`, `@{PAM_RHOST}`), which hpiam does not. */
  value: string | undefined;
  line: number;
  to: number;
}

/**
 * The definitions of a pam_env file. `env` (/etc/environment): `NAME=value` lines, `export ` allowed, quotes
 * dropped. `conf` (pam_env.conf, ~/.pam_environment): `NAME [DEFAULT=value] [OVERRIDE=value]`; a `NAME=value`
 * line defines too (pam_env hands the whole word to pam_putenv). Everything after a `#` is a comment.
 */
export function pamSettings(text: string, format: "env" | "conf"): PamSetting[] {
  const found: PamSetting[] = [];
  for (const { content, line, to } of assembledLines(text)) {
    const setting = format === "env" ? envLine(content) : confLine(content);
    if (setting) found.push({ ...setting, line, to });
  }
  return found;
}

function envLine(content: string): { name: string; value: string } | undefined {
  const key = content.replace(/^[ \n\t]*/, "").replace(/^export /, "");
  const match = /^([A-Za-z0-9_]+)=(.*)$/.exec(key);
  if (!match) return undefined;
  const [, name = "", raw = ""] = match;
  return { name, value: /^["']/.test(raw) ? raw.replace(/["']/g, "") : raw };
}

function confLine(content: string): { name: string; value: string | undefined } | undefined {
  const [word = "", ...options] = content.trim().split(/[ \t]+/);
  if (word === "") return undefined;
  const value = (prefix: string) => options.find((option) => option.startsWith(prefix))?.slice(prefix.length);
  if (options.some((option) => !/^(DEFAULT|OVERRIDE)=/.test(option))) return undefined;
  const equals = word.indexOf("=");
  if (equals > 0) return { name: word.slice(0, equals), value: word.slice(equals + 1) };
  const [override, fallback] = [value("OVERRIDE="), value("DEFAULT=")];
  const chosen = override !== undefined && override !== "" ? override : fallback;
  // `DEFAULT=` with nothing after it unsets; `DEFAULT=""` sets an empty value.
  if (chosen === undefined || chosen === "") return undefined;
  const unquoted = chosen.replace(/^"(.*)"$/, "$1");
  return { name: word, value: /[$@]\{/.test(unquoted) ? undefined : unquoted.replace(/\\([$@])/g, "$1") };
}

/** pam_env's lines: comments from `#` on dropped, a trailing backslash joins the next line. */
function assembledLines(text: string): Array<{ content: string; line: number; to: number }> {
  const lines = text.split("\n");
  const out: Array<{ content: string; line: number; to: number }> = [];
  let pending: { content: string; line: number } | undefined;
  lines.forEach((raw, index) => {
    const hash = raw.indexOf("#");
    const body = hash >= 0 ? raw.slice(0, hash) : raw;
    const trimmed = body.replace(/[ \t\r]+$/, "");
    const joined =
      (pending?.content ?? "") + (trimmed.endsWith("\\") && hash < 0 ? trimmed.slice(0, -1) : body);
    const start = pending?.line ?? index + 1;
    if (trimmed.endsWith("\\") && hash < 0) pending = { content: joined, line: start };
    else {
      pending = undefined;
      if (joined.trim() !== "") out.push({ content: joined, line: start, to: index + 1 });
    }
  });
  return out;
}
