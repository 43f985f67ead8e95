import type { HomeFilesystem, RecoverResult } from "../../src/contract/recover";
import type { DiagnoseResult } from "../../src/contract/diagnose";
import type { WhoamiResult } from "../../src/contract/whoami";

const INSTANCE_PROFILE: WhoamiResult["instanceProfile"] = {
  reachable: true,
  roleName: "ExecRole",
  instanceProfileArn: "arn:aws:iam::123456789012:instance-profile/ExecRole",
  instanceId: "i-0123456789abcdef0",
  localIpv4: "10.1.2.3",
  region: "us-west-2",
  error: null,
};

/** whoami documents as nodes print them: one healthy, one overridden by keys in a shared home. */
export const HEALTHY_WHOAMI: WhoamiResult = {
  schemaVersion: 1,
  identity: {
    account: "123456789012",
    arn: "arn:aws:sts::123456789012:assumed-role/ExecRole/SageMaker",
    userId: "AROAEXAMPLE:SageMaker",
    type: "assumed-role",
    name: "ExecRole",
    sessionName: "SageMaker",
  },
  credentialSource: {
    provider: "instance-metadata",
    method: "iam-role",
    profile: null,
    path: null,
    line: null,
    roleArn: null,
    accessKeyId: "ASIA…AAAA",
    local: false,
    longTerm: false,
  },
  instanceProfile: INSTANCE_PROFILE,
  verdict: {
    status: "healthy",
    reason: "using role ExecRole",
    expectedRole: "ExecRole",
    expectedFrom: "instance-profile",
    fix: null,
  },
  problem: null,
  chainError: null,
  undecided: null,
  nodeJs: null,
  region: "us-west-2",
};

export const OVERRIDDEN_WHOAMI: WhoamiResult = {
  ...HEALTHY_WHOAMI,
  identity: {
    account: "123456789012",
    arn: "arn:aws:iam::123456789012:user/alice",
    userId: "AIDAEXAMPLE",
    type: "iam-user",
    name: "alice",
    sessionName: null,
  },
  credentialSource: {
    provider: "shared-credentials-file",
    method: "shared-credentials-file",
    path: "/fsx/home/ubuntu/.aws/credentials",
    profile: "default",
    line: 1,
    roleArn: null,
    accessKeyId: "AKIA…WXYZ",
    local: true,
    longTerm: true,
  },
  verdict: {
    status: "overridden",
    reason:
      "the instance profile role ExecRole is overridden by static keys in /fsx/home/ubuntu/.aws/credentials [default]",
    expectedRole: "ExecRole",
    expectedFrom: "instance-profile",
    fix: "hpiam recover",
  },
};

/**
 * A node's `recover --json` document about one home's `~/.aws` (`awsDir`): planned, recovered or idle. The home
 * is on the node's own disk, or on `shared`; `rebootDue`: an earlier run's reboot still owed since then.
 */
export function recoverDocument(
  result: RecoverResult["result"],
  awsDir?: string,
  { shared, rebootDue }: { shared?: HomeFilesystem; rebootDue?: string } = {},
): RecoverResult {
  const home = awsDir?.replace(/\/\.aws$/, "");
  const local = { fsType: "ext4", source: "/dev/nvme0n1p1", mountPoint: "/", path: awsDir ?? "" };
  const changes = home !== undefined && result !== "nothing-to-do";
  const users = home
    ? [
        {
          user: "ubuntu",
          home,
          awsDir: {
            path: `${home}/.aws`,
            kind: "directory" as const,
            symlinkTarget: null,
            outsideHome: false,
            accessDenied: false,
            profiles: [
              {
                path: `${home}/.aws/credentials`,
                section: "default",
                profile: "default",
                line: 2,
                method: "shared-credentials-file" as const,
                accessKeyId: "AKIA…WXYZ",
                usedBy: ["default"],
                wins: true,
              },
            ],
          },
          backups: [],
        },
      ]
    : [];
  const reason = {
    planned: "would move ~/.aws aside, verify the identity, reboot",
    recovered: "moved ~/.aws aside; using role ExecRole",
    "nothing-to-do": "no credentials in ~/.aws override the instance profile: no reboot needed",
  }[result as "planned" | "recovered" | "nothing-to-do"];
  return {
    schemaVersion: 1,
    action: "recover",
    result,
    reason,
    dryRun: result === "planned",
    users,
    identityBefore: null,
    steps: [],
    backups: [],
    manual: [],
    leakedKeys: [],
    untouched: [],
    notDone: [],
    undo: "hpiam recover --undo",
    sharedHomes: [],
    changedHomes: changes
      ? [
          {
            user: "ubuntu",
            home,
            awsDir: `${home}/.aws`,
            shared: Boolean(shared),
            filesystem: shared ?? local,
          },
        ]
      : [],
    rebootDue: rebootDue ? { since: rebootDue, homes: [home ?? "/home/ubuntu"] } : null,
    reboot: {
      needed: result !== "nothing-to-do",
      why: null,
      command: ["systemctl", "reboot"],
      alternative: null,
      slurm: null,
    },
    verification:
      result === "recovered"
        ? { status: "healthy", reason: "using role ExecRole", arn: HEALTHY_WHOAMI.identity?.arn ?? null }
        : null,
    blockers: [],
    notes: [],
  };
}

/**
 * What fleet whoami asks a node (`diagnose --checks caller-identity,credential-source,aws-files,other-users`), told as
 * that whoami document says; `otherUsers` is the other-users check's status and message (skipped when absent).
 */
export function diagnoseDocument(
  whoami: WhoamiResult,
  otherUsers?: { status: "pass" | "warn" | "fail"; message: string },
): DiagnoseResult {
  const overridden = whoami.verdict.status !== "healthy";
  const identity = whoami.identity ?? HEALTHY_WHOAMI.identity;
  if (!identity) throw new Error("a whoami document with an identity");
  const checks: DiagnoseResult["checks"] = [
    {
      id: "caller-identity",
      title: "Caller identity (STS)",
      status: "pass",
      message: whoami.identity?.arn ?? "",
      remediation: null,
      details: { ...identityDetails(identity), region: "us-west-2" },
    },
    {
      id: "credential-source",
      title: "Credential source",
      status: overridden ? "fail" : "pass",
      message: whoami.verdict.reason ?? "",
      remediation: overridden ? "hpiam recover" : null,
      details: whoami.credentialSource ?? {},
    },
    {
      id: "other-users",
      title: "Other users' AWS credentials",
      status: otherUsers?.status ?? "skip",
      message: otherUsers?.message ?? "not asked: `sudo hpiam diagnose --all-users` scans every user's home",
      remediation: otherUsers && otherUsers.status !== "pass" ? "sudo hpiam recover --all-users" : null,
      details: {},
    },
  ];
  const count = (status: string) => checks.filter((check) => check.status === status).length;
  return {
    schemaVersion: 1,
    summary: {
      status: count("fail") ? "unhealthy" : "healthy",
      pass: count("pass"),
      warn: count("warn"),
      fail: count("fail"),
      skip: count("skip"),
      error: 0,
    },
    checks,
    node: null,
  };
}

export const HEALTHY_DIAGNOSE = diagnoseDocument(HEALTHY_WHOAMI);
export const OVERRIDDEN_DIAGNOSE = diagnoseDocument(OVERRIDDEN_WHOAMI);
/** Root's chain is the role's, but ubuntu's ~/.aws holds an IAM user's keys (`aws configure` as ubuntu). */
export const UBUNTU_KEYS_DIAGNOSE = diagnoseDocument(HEALTHY_WHOAMI, {
  status: "fail",
  message: "ubuntu: static keys (AKIA…WXYZ, long-term) in /home/ubuntu/.aws/credentials [default]",
});

/** The caller-identity check's details leave out what STS did not name (no session of an IAM user). */
function identityDetails({ sessionName, name, ...rest }: NonNullable<WhoamiResult["identity"]>) {
  return { ...rest, ...(name === null ? {} : { name }), ...(sessionName === null ? {} : { sessionName }) };
}
