/**
 * What several checks need (the identity, IMDS, the node files, the home's AWS files), each computed once, on
 * first use: nothing runs twice, and a fact that hangs only times out the checks that wait for it.
 */
import type { Context, InstanceProfile } from "../../context";
import { classifyPrincipal, type Principal } from "../../identity/model/arn";
import { controllerGroupOnNode, headInstance } from "../../node/model/head-node";
import { findSelf } from "../../node/model/resource-config";
import type { SsmAgentState } from "../../node/model/ssm-agent";
import { type ErrorCode, HpiamError } from "../../errors";
import type { CredentialSource } from "../../identity/model/credential-source";
import {
  type Identification,
  identification as identify,
  type IdentityReport,
  judgeIdentification,
  recoverFixFor,
} from "../../identity/identify";
import { loadNodeFiles, resourceConfigPath } from "../../node/node-files";
import { type AwsDirFinding, scanAwsDir } from "../../identity/aws-dir";
import { invokingUserHome, type UserHome } from "../../node/homes";
import type { NewShellOutcome } from "../../identity/model/new-shells";
import { newShellOutcome } from "../../identity/new-shells";
import { readShellStartup, type StartupReading } from "../../shell/find-exports";
import { readSsmAgent } from "../../node/ssm-agent";
import type { DiagnoseOptions } from "./check";
import type { NodeSummary } from "../../contract/diagnose";

export type NodeLookup =
  | { state: "absent"; path: string }
  /** There, but unreadable or malformed: `code` is the CannotRunError's (permission-denied, bad-node-file, …). */
  | { state: "unreadable"; path: string; code: ErrorCode; message: string; hint?: string }
  | { state: "found"; path: string; summary: NodeSummary; provisioningParameters: boolean };

export interface DiagnoseFacts {
  identification(): Promise<Identification>;
  principal(): Promise<Principal | undefined>;
  instanceProfile(): Promise<InstanceProfile>;
  /** The identity as whoami judges it (botocore's link, STS's answer, the verdict). */
  identity(): Promise<IdentityReport>;
  /** Which link of the chain supplied the keys; undefined when none did. */
  credentialSource(): Promise<CredentialSource | undefined>;
  node(): Promise<NodeLookup>;
  /** A HyperPod node, or an instance with a role: somewhere local keys override the platform's role. */
  onNode(): Promise<boolean>;
  /** The invoking user's home (SUDO_USER's under sudo). */
  home(): Promise<UserHome>;
  /** That home's AWS files and every place botocore takes keys from for it (boto configs too). */
  awsDir(): Promise<AwsDirFinding>;
  /** What a new shell of that home's user exports (file:line), and what hpiam cannot decide about it (why). */
  shellStartup(): Promise<StartupReading>;
  /** The SSM agent's identity, Profile settings and version (ssm-agent and root-credentials both need them). */
  ssmAgent(): Promise<SsmAgentState>;
  /** What the home's startup files make a new shell of its user do, where they break or override its chain. */
  newShell(): Promise<NewShellOutcome | undefined>;
}

export function createFacts(ctx: Context, options: DiagnoseOptions): DiagnoseFacts {
  const identification = once(() => identify(ctx.aws, { profile: options.profile, region: options.region }));
  const instanceProfile = once(() => ctx.imds.describe());
  const node = once(() => lookUpNode(ctx, options.resourceConfig, instanceProfile));
  const home = once(() => invokingUserHome(ctx));
  const shellStartup = once(async () => {
    const { home: dir, user, shell } = await home();
    return readShellStartup(ctx, dir, { user, shell });
  });
  const identity = once(async () => {
    const [found, imds] = await Promise.all([identification(), instanceProfile()]);
    return judgeIdentification(found, imds, ctx.env, {
      profile: options.profile,
      region: options.region,
      nonRoot: ctx.user.uid !== 0,
      recoverFix: recoverFixFor(ctx.user),
    });
  });
  return {
    identification,
    instanceProfile,
    node,
    home,
    principal: once(async () => {
      const { identity } = await identification();
      return identity ? classifyPrincipal(identity.arn) : undefined;
    }),
    identity,
    credentialSource: once(async () => (await identity()).credentialSource ?? undefined),
    onNode: once(async () => {
      const [lookup, imds] = await Promise.all([node(), instanceProfile()]);
      return lookup.state !== "absent" || imds.roleName !== undefined;
    }),
    awsDir: once(async () => {
      const target = await home();
      // This process's own home is read as its chain reads it (AWS_SHARED_CREDENTIALS_FILE, AWS_PROFILE, …).
      if (target.home !== ctx.user.home) return scanAwsDir(ctx, target.home);
      return scanAwsDir(ctx, target.home, { env: ctx.env, profileFlag: options.profile });
    }),
    shellStartup,
    newShell: once(async () => newShellOutcome(ctx, (await shellStartup()).shells, (await home()).home)),
    ssmAgent: once(() => readSsmAgent(ctx)),
  };
}

async function lookUpNode(
  ctx: Context,
  flag: string | undefined,
  instanceProfile: () => Promise<InstanceProfile>,
): Promise<NodeLookup> {
  const path = resourceConfigPath(ctx, flag);
  let files;
  try {
    files = await loadNodeFiles(ctx, path);
  } catch (error) {
    if (!(error instanceof HpiamError)) throw error;
    if (error.code === "not-hyperpod") return { state: "absent", path };
    return {
      state: "unreadable",
      path,
      code: error.code,
      message: error.message,
      ...(error.hint ? { hint: error.hint } : {}),
    };
  }
  const { resource, provisioning } = files;
  const imds = await instanceProfile();
  const self = findSelf(
    resource,
    {
      ...(imds.instanceId ? { instanceId: imds.instanceId } : {}),
      ips: imds.localIpv4 ? [imds.localIpv4] : [],
    },
    provisioning,
  );
  const controllerGroup = controllerGroupOnNode(undefined, provisioning).name;
  const controllers = resource.groups.find((group) => group.name === controllerGroup);
  const controller = controllers && headInstance(controllers);
  return {
    state: "found",
    path,
    provisioningParameters: provisioning !== undefined,
    summary: {
      cluster: resource.clusterName ?? null,
      clusterArn: resource.clusterArn ?? null,
      clusterId: resource.clusterId ?? null,
      group: self?.group.name ?? null,
      instanceId: self?.instance.instanceId ?? null,
      instanceName: self?.instance.instanceName ?? null,
      instanceType: self?.group.instanceType ?? null,
      role: self?.role ?? null,
      controllerGroup,
      controllerAddress: controller?.customerIp ?? null,
      resourceConfig: path,
    },
  };
}

function once<T>(make: () => Promise<T>): () => Promise<T> {
  let made: Promise<T> | undefined;
  return () => (made ??= make());
}
