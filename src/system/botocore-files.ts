/**
 * Reads the files botocore reads, where it reads them (AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE,
 * AWS_CREDENTIAL_FILE, BOTO_CONFIG, /etc/boto.cfg, ~/.boto), as it reads them: a path that is not a regular
 * file is absent, an unreadable file is empty, bytes that are not UTF-8 are a parse error.
 */
import { readFileSync, statSync } from "node:fs";
import { homedir } from "node:os";
import type { AwsCredentialIdentity } from "@smithy/types";
import type { Env } from "../context";
import type { ChainFiles, ReadIni } from "../identity/model/botocore-chain";
import { parseBotocoreIni, type IniSections } from "../identity/model/configparser";

/** Values that never leave the adapters: the model sees only that they are there. */
const SECRET_KEYS = new Set([
  "aws_secret_access_key",
  "aws_session_token",
  "aws_security_token",
  "AWSSecretKey",
]);
export const REDACTED = "(set)";

export interface BotocoreFiles {
  /** For the chain model: every secret replaced by REDACTED. */
  input: ChainFiles;
  /** The same, secrets and all, for fetching the winning link's keys. */
  raw: ChainFiles;
}

export async function readBotocoreFiles(env: Env): Promise<BotocoreFiles> {
  const expand = (path: string) => expandPath(path, env);
  const botoPaths = env.BOTO_CONFIG !== undefined ? [env.BOTO_CONFIG] : ["/etc/boto.cfg", "~/.boto"];
  const [config, credentials, ec2CredentialFile, ...botoFiles] = await Promise.all([
    expand(env.AWS_CONFIG_FILE ?? "~/.aws/config").then(readIni),
    expand(env.AWS_SHARED_CREDENTIALS_FILE ?? "~/.aws/credentials").then(readIni),
    env.AWS_CREDENTIAL_FILE === undefined
      ? undefined
      : expandUser(env.AWS_CREDENTIAL_FILE, env).then(readKeyValues),
    ...botoPaths.map((path) => expand(path).then(readIni)),
  ]);
  const raw = {
    config,
    credentials,
    botoFiles,
    ...(ec2CredentialFile ? { ec2CredentialFile } : {}),
  };
  return {
    raw,
    input: {
      config: redactIni(config),
      credentials: redactIni(credentials),
      botoFiles: botoFiles.map(redactIni),
      ...(ec2CredentialFile
        ? {
            ec2CredentialFile: {
              ...ec2CredentialFile,
              ...(ec2CredentialFile.values ? { values: redactValues(ec2CredentialFile.values) } : {}),
            },
          }
        : {}),
    },
  };
}

/** The key pair of one section of an ini file, for asking STS whose it is; undefined when it is not there. */
export async function sectionKeyPair(
  path: string,
  section: string,
): Promise<AwsCredentialIdentity | undefined> {
  const file = await readIni(path);
  if (file.state !== "parsed") return undefined;
  const values = file.sections[section];
  if (!values?.aws_access_key_id || !values.aws_secret_access_key) return undefined;
  return sectionKeys(values);
}

/** A section's key pair; the token is the first of aws_security_token and aws_session_token, as in botocore. */
export function sectionKeys(section: Record<string, string> | undefined): AwsCredentialIdentity {
  const token =
    section && ("aws_security_token" in section ? section.aws_security_token : section.aws_session_token);
  return keyPair(section?.aws_access_key_id, section?.aws_secret_access_key, token);
}

export function keyPair(
  accessKeyId = "",
  secretAccessKey = "",
  sessionToken?: string,
): AwsCredentialIdentity {
  return { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) };
}

/** `raw_config_parse`: a path that is not a regular file is skipped; an unreadable one reads as empty. */
async function readIni(path: string): Promise<ReadIni> {
  if (!isFile(path)) return { path, state: "absent" };
  const text = await readUtf8(path);
  if (text === undefined) return { path, state: "parsed", sections: {}, lines: {} };
  if (text === null) return { path, state: "broken", line: 1, reason: "not UTF-8 text" };
  const parsed = parseBotocoreIni(text);
  return parsed.ok
    ? { path, state: "parsed", sections: parsed.sections, lines: parsed.lines }
    : { path, state: "broken", line: parsed.line, reason: parsed.reason };
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** `parse_key_val_file`: `key=value` lines (the last of a key counts), the rest ignored; unopenable: not there. */
async function readKeyValues(path: string): Promise<NonNullable<ChainFiles["ec2CredentialFile"]>> {
  const text = await readUtf8(path);
  if (text === undefined || text === null) return { path };
  const values: Record<string, string> = {};
  const lines: Record<string, number> = {};
  for (const [index, line] of text.split(/\r\n|\r|\n/u).entries()) {
    const at = line.indexOf("=");
    if (at < 0) continue;
    const key = line.slice(0, at).trim();
    values[key] = line.slice(at + 1).trim();
    lines[key] = index + 1;
  }
  return { path, values, lines };
}

/**
 * The text, undefined when it cannot be read, null when it is not UTF-8 (Python's strict decoding). Read at
 * once: these few small files through libuv's thread pool kept whoami waiting about 4 ms.
 */
async function readUtf8(path: string): Promise<string | undefined | null> {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch {
    return undefined;
  }
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return null;
  }
}

/**
 * os.path.expandvars then expanduser, as botocore's ini reader applies them to the config, credentials and boto
 * files' names (AWS_CREDENTIAL_FILE gets expanduser alone).
 */
function expandPath(path: string, env: Env): Promise<string> {
  const vars = path.replace(/\$(\w+)|\$\{([^}]+)\}/gu, (whole, bare?: string, braced?: string) => {
    const value = env[bare ?? braced ?? ""];
    return value ?? whole;
  });
  return expandUser(vars, env);
}

/**
 * Python's os.path.expanduser: `~` is HOME (even empty), `~user` that user's home from the user database, and a
 * user it does not know leaves the path as it is.
 */
async function expandUser(path: string, env: Env): Promise<string> {
  if (!path.startsWith("~")) return path;
  const slash = path.indexOf("/", 1);
  const end = slash < 0 ? path.length : slash;
  const name = path.slice(1, end);
  const home = name === "" ? (env.HOME ?? homedir()) : await homeOf(name);
  if (home === undefined) return path;
  return home.replace(/\/+$/u, "") + path.slice(end) || "/";
}

/** A user's home as getpwnam finds it (`getent passwd`, so SSSD/LDAP users too); undefined when unknown. */
async function homeOf(user: string): Promise<string | undefined> {
  const { execa } = await import("execa"); // only for ~user paths: whoami need not parse execa
  const found = await execa("getent", ["passwd", "--", user], { reject: false, timeout: 5000 });
  return found.exitCode === 0 ? found.stdout.split("\n")[0]?.split(":")[5] : undefined;
}

function redactValues(values: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(values).map(([key, value]) => [key, SECRET_KEYS.has(key) ? REDACTED : value]),
  );
}

function redactIni(file: ReadIni): ReadIni {
  if (file.state !== "parsed") return file;
  const sections: IniSections = Object.fromEntries(
    Object.entries(file.sections).map(([name, values]) => [name, redactValues(values)]),
  );
  return { ...file, sections };
}
