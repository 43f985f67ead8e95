/**
 * botocore's credential_process (ProcessProvider): the command line split as Python's shlex splits it, run
 * without a shell, and the JSON document it prints checked as botocore checks it, with botocore's messages.
 */

export interface ProcessKeys {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}

/** `shlex.split`: words split at blanks, `'…'` literal, `"…"` with `\"` and `\\`, a backslash outside quotes. */
export function splitCommandLine(line: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const char = line.charAt(i);
    if (" \t\r\n".includes(char)) {
      if (word !== undefined) words.push(word);
      word = undefined;
      continue;
    }
    word ??= "";
    if (char === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) throw new Error("No closing quotation");
      word += line.slice(i + 1, end);
      i = end;
    } else if (char === '"') {
      for (i++; line.charAt(i) !== '"'; i++) {
        if (i >= line.length) throw new Error("No closing quotation");
        const next = line.charAt(i + 1);
        if (line.charAt(i) === "\\" && (next === '"' || next === "\\")) i++;
        word += line.charAt(i);
      }
    } else if (char === "\\") {
      if (i + 1 >= line.length) throw new Error("No escaped character");
      word += line.charAt(++i);
    } else {
      word += char;
    }
  }
  if (word !== undefined) words.push(word);
  return words;
}

/** The process's stdout: `{"Version": 1, "AccessKeyId", "SecretAccessKey", "SessionToken"?, "Expiration"?}`. */
export function readProcessOutput(stdout: string): ProcessKeys {
  let document: unknown;
  try {
    document = JSON.parse(stdout);
  } catch {
    throw new Error("the process printed no JSON document on stdout");
  }
  const fields = (typeof document === "object" && document !== null ? document : {}) as Record<
    string,
    unknown
  >;
  const version = "Version" in fields ? String(fields.Version) : "<Version key not provided>";
  if (fields.Version !== 1) {
    throw new Error(
      `Unsupported version '${version}' for credential process provider, supported versions: 1`,
    );
  }
  const text = (key: string): string | undefined => {
    const value = fields[key];
    if (value === undefined || value === null) return undefined;
    return typeof value === "string" ? value : JSON.stringify(value);
  };
  const [accessKeyId, secretAccessKey] = [text("AccessKeyId"), text("SecretAccessKey")];
  if (accessKeyId === undefined) throw new Error("Missing required key in response: 'AccessKeyId'");
  if (secretAccessKey === undefined) throw new Error("Missing required key in response: 'SecretAccessKey'");
  const sessionToken = text("SessionToken");
  const expires = text("Expiration");
  const expiration = expires === undefined ? undefined : new Date(expires);
  return {
    accessKeyId,
    secretAccessKey,
    ...(sessionToken ? { sessionToken } : {}),
    ...(expiration && !Number.isNaN(expiration.getTime()) ? { expiration } : {}),
  };
}
