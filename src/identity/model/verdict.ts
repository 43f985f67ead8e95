import type { Principal, RoleRef } from "./arn";
import type { ClassifiedError } from "./aws-errors";
import type { ChainError } from "./chain-errors";
import type { CredentialSource } from "./credential-source";

/** What IMDSv2 says about this instance: the role the node should sign as. */
export interface InstanceProfile {
  reachable: boolean;
  roleName?: string;
  instanceProfileArn?: string;
  instanceId?: string;
  localIpv4?: string;
  region?: string;
  /** Why IMDS did not answer. */
  error?: string;
}

export type VerdictStatus = "healthy" | "overridden" | "mismatch" | "broken" | "no-credentials" | "unknown";

export interface Verdict {
  status: VerdictStatus;
  /** One line a person reads first. */
  reason: string;
  expectedRole?: string;
  expectedFrom?: "expect-role" | "instance-profile" | "imds-proxy";
  /** The exact next step, when there is one. */
  fix?: string;
}

export interface VerdictInput {
  /** Where botocore stops with an error: boto3 and the AWS CLI cannot sign at all. */
  broken?: ChainError;
  source?: CredentialSource;
  /** Undefined when STS could not be asked or did not answer. */
  principal?: Principal;
  /** STS answered and refused the keys (not valid, expired, a bad signature, denied): every call fails. */
  refused?: ClassifiedError;
  account?: string;
  instanceProfile: InstanceProfile;
  expectRole?: RoleRef;
  /** This process is not root: a local IMDS proxy may serve it a downgraded role on purpose. */
  nonRoot?: boolean;
  /** The command that recovers the home whose files the chain read (default `hpiam recover`). */
  recoverFix?: string;
}

/** Compares the identity in use with the one this node should have. */
export function judge({
  broken,
  source,
  principal,
  refused,
  account,
  instanceProfile,
  expectRole,
  nonRoot,
  recoverFix = "hpiam recover",
}: VerdictInput): Verdict {
  if (broken) {
    const detail = broken.detail ? `: ${broken.detail}` : "";
    return {
      status: "broken",
      reason: `boto3 and the AWS CLI stop with: ${broken.message}${detail}`,
      fix: broken.fix,
    };
  }
  if (!source) {
    return {
      status: "no-credentials",
      reason: "no credentials found in any link of the chain",
      fix: "hpiam diagnose",
    };
  }

  // Keys STS refuses are decided whatever they are compared with: nothing signs with them.
  const unusable = refused && {
    status: "broken" as const,
    reason: `${describeSource(source)}: STS refuses these keys (${refused.message})`,
    fix: refused.hint,
  };
  const expected = expectRole ?? (instanceProfile.roleName ? { name: instanceProfile.roleName } : undefined);
  if (!expected) {
    return (
      unusable ?? {
        status: "unknown",
        reason: "no instance profile (IMDS) to compare with; pass --expect-role to say which role is right",
      }
    );
  }
  const expectation = {
    expectedRole: expected.name,
    expectedFrom: expectRole ? ("expect-role" as const) : ("instance-profile" as const),
  };

  if (principal && isRole(principal, account, expected)) {
    return { status: "healthy", reason: `using role ${expected.name}`, ...expectation };
  }
  if (principal && nonRoot && !expectRole && servedByProxy(source, principal, expected)) {
    return {
      status: "healthy",
      reason: `using ${principal.name}, the downgraded role a local IMDS proxy serves non-root users (it lists ${expected.name})`,
      expectedRole: principal.name,
      expectedFrom: "imds-proxy",
    };
  }
  if (source.local) {
    return {
      status: "overridden",
      reason: `the instance profile role ${expected.name} is overridden by ${describeSource(source)}`,
      ...expectation,
      fix: source.method === "env" ? ENV_FIX : recoverFix,
    };
  }
  if (unusable) return { ...unusable, ...expectation };
  if (!principal) {
    return {
      status: "unknown",
      reason: `${describeSource(source)} supplied keys, but STS did not say whose`,
      ...expectation,
    };
  }
  return {
    status: "mismatch",
    reason: `${describeSource(source)} gives ${principal.name ?? principal.type}, not ${expected.name}`,
    ...expectation,
  };
}

const ENV_FIX =
  "unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN (and remove the export lines `hpiam diagnose` finds)";

function isRole(principal: Principal, account: string | undefined, expected: RoleRef): boolean {
  if (principal.type !== "assumed-role" || principal.name !== expected.name) return false;
  return expected.account === undefined || expected.account === account;
}

/**
 * A downgraded-role IMDS proxy's signature as a non-root user sees it: IMDS lists one role and its keys are
 * another role's. The node's own IMDS and HyperPod's role agent list the role they serve; only a local proxy in
 * front of them does not.
 */
function servedByProxy(
  source: CredentialSource,
  principal: Principal,
  listed: RoleRef,
): principal is Principal & { name: string } {
  return (
    source.method === "iam-role" &&
    principal.type === "assumed-role" &&
    principal.name !== undefined &&
    principal.name !== listed.name
  );
}

/** What describes a link, as whoami's document gives it too (`null` for a field it has no value for). */
export type SourceWhere = Pick<CredentialSource, "provider" | "method"> & {
  [K in "profile" | "path" | "roleArn"]?: string | null;
};

/** `the shared credentials file ~/.aws/credentials [default]`, `AWS_ACCESS_KEY_ID in the environment`, … */
export function describeSource(source: SourceWhere): string {
  const where = source.path ? ` ${source.path}` : "";
  const profile = source.profile ? ` [${source.profile}]` : "";
  switch (source.method) {
    case "env":
      return "AWS_ACCESS_KEY_ID in the environment";
    case "shared-credentials-file":
      return `static keys in${where}${profile}`;
    case "assume-role":
      return `${source.roleArn ? `role ${source.roleArn}` : "a role"} assumed by${where}${profile}`;
    case "config-file":
      return `the config file${where}${profile}`;
    case "sso":
      return `SSO login of${where}${profile}`;
    case "login":
      return `aws login session of${where}${profile}`;
    case "custom-process":
      return `credential_process of${where}${profile}`;
    case "ec2-credentials-file":
      return `static keys in${where} (AWS_CREDENTIAL_FILE)`;
    case "boto-config":
      return `static keys in the boto config${where} [Credentials]`;
    case "assume-role-with-web-identity":
      return `web identity token${where}`;
    case "container-role":
      return "the container credentials endpoint";
    case "iam-role":
      return "the instance metadata service";
    default:
      // A document another hpiam printed (fleet reads every node's) may name a link this one does not know.
      return "an unknown link";
  }
}
