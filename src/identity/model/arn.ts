/** The kinds of principal STS GetCallerIdentity reports. */
export type IdentityType = "assumed-role" | "iam-user" | "root" | "federated-user" | "unknown";

export interface Arn {
  partition: string;
  service: string;
  region: string;
  account: string;
  resource: string;
}

export interface Principal {
  type: IdentityType;
  /** Role name for assumed roles, user name for users; undefined for root. */
  name?: string;
  sessionName?: string;
}

const ARN_PATTERN = /^arn:(aws[a-z-]*):([a-z0-9-]+):([a-z0-9-]*):(\d{12}|aws)?:(.+)$/;

export function parseArn(text: string): Arn | undefined {
  const match = ARN_PATTERN.exec(text.trim());
  if (!match) return undefined;
  const [, partition = "", service = "", region = "", account = "", resource = ""] = match;
  return { partition, service, region, account, resource };
}

/** What kind of principal a caller ARN names (`arn:aws:sts::1:assumed-role/Role/Session`, `…:user/path/name`). */
export function classifyPrincipal(arnText: string): Principal {
  const arn = parseArn(arnText);
  if (!arn) return { type: "unknown" };
  const parts = arn.resource.split("/");
  const kind = parts[0];
  if (arn.resource === "root") return { type: "root" };
  if (kind === "assumed-role" && parts.length >= 3) {
    return { type: "assumed-role", name: parts[parts.length - 2], sessionName: parts[parts.length - 1] };
  }
  if (kind === "user" && parts.length >= 2) return { type: "iam-user", name: parts[parts.length - 1] };
  if (kind === "federated-user" && parts.length >= 2) return { type: "federated-user", name: parts[1] };
  return { type: "unknown" };
}

export interface RoleRef {
  name: string;
  account?: string;
}

/** `--expect-role` takes a role name or a role ARN (`arn:aws:iam::1:role/path/Name`). */
export function parseRoleRef(text: string): RoleRef | undefined {
  const value = text.trim();
  if (value.startsWith("arn:")) {
    const arn = parseArn(value);
    if (!arn || arn.service !== "iam" || !arn.resource.startsWith("role/")) return undefined;
    const name = arn.resource.split("/").pop();
    return name ? { name, account: arn.account } : undefined;
  }
  // IAM role names: up to 64 of [\w+=,.@-].
  return /^[\w+=,.@-]{1,64}$/.test(value) ? { name: value } : undefined;
}
