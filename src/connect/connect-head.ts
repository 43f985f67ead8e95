import { findHeadOfCluster, findHeadOnNode, type HeadNode } from "./find-head";
import { type SshConfigWrite, writeSshHostEntry } from "./ssh-config-file";
import type { AwsOptions, Context } from "../context";
import { renderHostEntry } from "./model/ssh-config";
import {
  explainRefusal,
  isPlainTarget,
  sshProxyCommand,
  type SsmRefusal,
  startSessionCommand,
} from "./model/ssm-session";
import { CannotRunError, ExitCode, UsageError } from "../errors";
import { requireSessionTools, validateClusterFlags } from "./session-tools";

export interface ConnectHeadOptions extends AwsOptions {
  cluster?: string;
  group?: string;
  print?: boolean;
  json?: boolean;
  /** true: a Host named after the cluster; a string: that Host name. */
  sshConfig?: boolean | string;
  sshUser?: string;
  resourceConfig?: string;
  /** What came after `--`: for ssh on a node, for `aws ssm start-session` off the cluster. */
  passThrough?: readonly string[];
}

/** What would run (or ran): `command` is the argv, ssh on a node, `aws ssm start-session` off the cluster. */
export type ConnectHeadPlan = { schemaVersion: 1 } & HeadNode & { command: string[] };

export type ConnectHeadResult = ConnectHeadPlan &
  (
    | { action: "print" }
    | { action: "connected"; exitCode: number; refusal: SsmRefusal | null }
    | { action: "ssh-config"; sshConfig: SshConfigWrite }
  );

/** HyperPod's login user on its Slurm images. */
export const DEFAULT_SSH_USER = "ubuntu";

export async function connectHead(options: ConnectHeadOptions, ctx: Context): Promise<ConnectHeadResult> {
  validate(options);
  const extra = options.passThrough ?? [];
  const head = options.cluster
    ? await findHeadOfCluster(ctx, { ...options, cluster: options.cluster })
    : await findHeadOnNode(ctx, options);
  ctx.log.debug(`head node: ${head.instanceId} of group ${head.group} (${head.groupFrom})`);

  if (head.mode === "node") {
    const plan: ConnectHeadPlan = { schemaVersion: 1, ...head, command: ["ssh", head.address, ...extra] };
    if (options.print || options.json) return { ...plan, action: "print" };
    return { ...plan, action: "connected", exitCode: await ctx.exec.attach(plan.command), refusal: null };
  }

  const aws = { region: head.region, profile: options.profile };
  if (options.sshConfig) {
    const host =
      typeof options.sshConfig === "string" ? options.sshConfig : (head.cluster ?? "hyperpod-head");
    if (!isPlainTarget(head.target)) {
      throw new CannotRunError(
        `the SSM target "${head.target}" has characters ssh's ProxyCommand cannot take`,
      );
    }
    const entry = renderHostEntry({
      host,
      user: options.sshUser ?? DEFAULT_SSH_USER,
      proxyCommand: sshProxyCommand(head.target, aws),
      clusterArn: head.clusterArn ?? head.target,
    });
    const sshConfig = await writeSshHostEntry(ctx, host, entry);
    return { schemaVersion: 1, ...head, command: ["ssh", host], action: "ssh-config", sshConfig };
  }

  const plan: ConnectHeadPlan = {
    schemaVersion: 1,
    ...head,
    command: startSessionCommand(head.target, aws, extra),
  };
  if (options.print || options.json) return { ...plan, action: "print" };
  await requireSessionTools(ctx, plan.command);
  const { exitCode, stderrTail } = await ctx.exec.attachObserved(plan.command);
  const refusal = exitCode === 0 ? undefined : explainRefusal(stderrTail, head.target);
  return { ...plan, action: "connected", exitCode, refusal: refusal ?? null };
}

/** ssh's (or the session's) own status passes through, so `hpiam connect-head -- cmd` scripts like ssh. */
export function connectHeadExitCode(result: ConnectHeadResult): ExitCode {
  return result.action === "connected" ? (result.exitCode as ExitCode) : ExitCode.ok;
}

/** Commander's operands, accepted only after `--`: a mistyped word must not become a remote command. */
export function passThroughArgs(operands: readonly string[], argv: readonly string[]): string[] {
  const dash = argv.indexOf("--");
  const afterDash = dash < 0 ? 0 : argv.length - dash - 1;
  if (operands.length > afterDash) {
    throw new UsageError(
      `unexpected argument '${operands[0]}'`,
      "Arguments for ssh go after --, e.g. hpiam connect-head -- -L 8080:localhost:8080",
    );
  }
  return [...operands];
}

function validate(options: ConnectHeadOptions): void {
  const check = (ok: boolean, message: string, hint?: string) => {
    if (!ok) throw new UsageError(message, hint);
  };
  const { cluster, group, sshConfig, sshUser } = options;
  validateClusterFlags(cluster, group);
  check(
    typeof sshConfig !== "string" || /^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(sshConfig),
    `--ssh-config: "${String(sshConfig)}" is not a usable ssh Host name`,
  );
  check(
    sshUser === undefined || /^[a-z_][a-z0-9_.-]*$/i.test(sshUser),
    `--ssh-user: "${sshUser}" is not a user name`,
  );
  check(
    !sshConfig || cluster !== undefined,
    "--ssh-config needs --cluster NAME",
    "It writes an ssh-over-SSM entry for use off the cluster.",
  );
  check(sshUser === undefined || Boolean(sshConfig), "--ssh-user applies only with --ssh-config");
  check(!(sshConfig && options.print), "--print and --ssh-config do not go together");
  check(
    options.resourceConfig === undefined || cluster === undefined,
    "--resource-config and --cluster do not go together",
    "--resource-config reads a node's file; --cluster asks the SageMaker API.",
  );
  check(
    (options.passThrough ?? []).length === 0 || !(options.print || sshConfig),
    "arguments after -- are for ssh; --print and --ssh-config do not connect",
  );
}
