/** SSM sessions to HyperPod nodes: the target, the `aws ssm start-session` command, and why SSM refused one. */
import type { AwsOptions } from "../../context";

/**
 * The id is the last segment of the cluster ARN, not the name (easy-ssh.sh takes it the same way). Real ids
 * are 12 lower-case characters; emulators use the name, which this accepts too.
 */
export function ssmClusterId(clusterArn: string): string | undefined {
  return /^arn:aws[a-z-]*:sagemaker:[a-z0-9-]*:\d{12}:cluster\/([A-Za-z0-9-]+)$/.exec(clusterArn)?.[1];
}

/** `sagemaker-cluster:<cluster-id>_<group>-<instance-id>` (docs/hyperpod-files.md, section 4). */
export function ssmTarget(node: { clusterId: string; group: string; instanceId: string }): string {
  return `sagemaker-cluster:${node.clusterId}_${node.group}-${node.instanceId}`;
}

/** Safe to put in a shell command line (ssh runs ProxyCommand through the shell). */
export function isPlainTarget(target: string): boolean {
  return /^sagemaker-cluster:[A-Za-z0-9._-]+$/.test(target);
}

function awsArgs(aws: AwsOptions): string[] {
  return [
    ...(aws.region ? ["--region", aws.region] : []),
    ...(aws.profile ? ["--profile", aws.profile] : []),
  ];
}

/** What an interactive session runs; `extra` (after `--`) can pick another document, e.g. port forwarding. */
export function startSessionCommand(
  target: string,
  aws: AwsOptions,
  extra: readonly string[] = [],
): string[] {
  return ["aws", "ssm", "start-session", "--target", target, ...awsArgs(aws), ...extra];
}

/** ssh's ProxyCommand for ssh over SSM: the AWS-StartSSHSession document on the port ssh asks for. */
export function sshProxyCommand(target: string, aws: AwsOptions): string {
  return [
    ...startSessionCommand(target, aws),
    "--document-name",
    "AWS-StartSSHSession",
    "--parameters",
    "portNumber=%p",
  ].join(" ");
}

/** Where to get the two programs an SSM session needs. */
export const INSTALL_GUIDE = {
  aws: "https://docs.aws.amazon.com/cli/latest/userguide/getting-started-install.html",
  "session-manager-plugin":
    "https://docs.aws.amazon.com/systems-manager/latest/userguide/session-manager-working-with-install-plugin.html",
} as const;
export type SessionTool = keyof typeof INSTALL_GUIDE;

export type RefusalKind = "target-not-connected" | "access-denied" | "invalid-target";

export interface SsmRefusal {
  kind: RefusalKind;
  /** One or two lines: the likely causes and what to do. */
  explanation: string[];
}

const REFUSALS: ReadonlyArray<{ kind: RefusalKind; pattern: RegExp; explain: (target: string) => string[] }> =
  [
    {
      kind: "target-not-connected",
      pattern: /TargetNotConnected/,
      explain: () => [
        "SSM cannot reach the head node's agent: the node is stopped or rebooting, or its root credentials were replaced by `aws configure`, so the agent signs as that IAM user and SSM drops it.",
        "From another node: `ssh <head-ip>` and run `sudo hpiam recover`; or ask an admin to attach AmazonSSMManagedInstanceCore to that IAM user until it is fixed.",
      ],
    },
    {
      kind: "access-denied",
      pattern: /AccessDenied/,
      explain: () => [
        "SSM refused your identity: it needs ssm:StartSession on this cluster (arn:aws:sagemaker:…:cluster/<id>) and on the session document.",
        "Check who you are with `aws sts get-caller-identity` (or `hpiam whoami`) and ask an admin for that permission.",
      ],
    },
    {
      kind: "invalid-target",
      pattern: /InvalidTarget|InvalidInstanceId/,
      explain: (target) => [
        `SSM does not know ${target}: the head node may have been replaced since this target was made.`,
        "Run `hpiam connect-head --cluster …` again (and `--ssh-config` again if you use ssh).",
      ],
    },
  ];

/** Why `aws ssm start-session` failed, read from what it printed on stderr; undefined when it is not a refusal. */
export function explainRefusal(stderr: string, target: string): SsmRefusal | undefined {
  const match = REFUSALS.find((refusal) => refusal.pattern.test(stderr));
  return match ? { kind: match.kind, explanation: match.explain(target) } : undefined;
}
