import type { HomeSurvey, RecoverySurvey } from "../../src/recover/model/recovery-survey";

/** The second the recover under test started, as its backup names spell it. */
export const STAMP = "20261123T061500Z";
export const HOME = "/home/ubuntu";

/** ubuntu's home as recover surveys it after `aws configure`; override what a test is about. */
export function home(overrides: Partial<HomeSurvey> = {}): HomeSurvey {
  return {
    user: "ubuntu",
    home: HOME,
    awsDir: {
      path: `${HOME}/.aws`,
      kind: "directory",
      outsideHome: false,
      accessDenied: false,
      profiles: [
        {
          path: `${HOME}/.aws/credentials`,
          section: "default",
          profile: "default",
          line: 2,
          method: "shared-credentials-file",
          accessKeyId: "AKIA…MPLE",
          usedBy: ["default"],
          wins: true,
        },
      ],
    },
    activeProfile: "default",
    backups: [],
    leftovers: [],
    lock: { state: "free" },
    exports: [],
    undecided: [],
    entries: [".aws", ".bashrc"],
    ...overrides,
  };
}

/** A node with that one home, where STS said alice signed before the recover. */
export function survey(overrides: Partial<RecoverySurvey> = {}): RecoverySurvey {
  return {
    homes: [home()],
    bystanders: [],
    systemExports: [],
    systemUndecided: [],
    environment: [],
    keyFiles: [],
    identityBefore: {
      arn: "arn:aws:iam::123456789012:user/alice",
      type: "iam-user",
      name: "alice",
      accessKeyId: "AKIA…MPLE",
    },
    isRoot: false,
    stamp: STAMP,
    ...overrides,
  };
}
