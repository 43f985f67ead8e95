/**
 * What several checks need (the identity, IMDS, the node files, the home's AWS files), each computed once, on
 * first use: nothing runs twice, and a fact that hangs only times out the checks that wait for it.
 */
import type { Context, Identification, InstanceProfile, KeyFile, SharedFiles } from "../context";
import { classifyPrincipal, type Principal } from "../domain/arn";
import { controllerGroupOnNode, headInstance } from "../domain/node/head-node";
import { findSelf, type NodeRole } from "../domain/node/resource-config";
import type { SsmAgentState } from "../domain/node/ssm-agent";
import { HpiamError } from "../errors";
import type { CredentialSource } from "../identity/credential-source";
import { type IdentityReport, judgeIdentification, recoverFixFor } from "../identity/identify";
import { loadNodeFiles, resourceConfigPath } from "../hyperpod/node-files";
import { type AwsDirFinding, scanAwsDir } from "../scan/aws-dir";
import { invokingUserHome, type UserHome } from "../scan/homes";
import { type ExportFinding, readShellStartup, type StartupReading } from "../scan/shell-exports";
import { readSsmAgent } from "../scan/ssm-agent";
import type { DiagnoseOptions } from "./check";

/** This node as resource_config.json describes it: the `node` of diagnose's JSON. */
export interface NodeSummary {
  cluster: string | null;
  clusterArn: string | null;
  clusterId: string | null;
  /** This node's instance group, instance and Slurm role; null when IMDS did not say which instance this is. */
  group: string | null;
  instanceId: string | null;
  instanceName: string | null;
  instanceType: string | null;
  role: NodeRole | null;
  controllerGroup: string;
  controllerAddress: string | null;
  resourceConfig: string;
}

export type NodeLookup =
  | { state: "absent"; path: string }
  /** There, but unreadable or malformed: `code` is the CannotRunError's (permission-denied, bad-node-file, …). */
  | { state: "unreadable"; path: string; code: string; message: string; hint?: string }
  | { state: "found"; path: string; summary: NodeSummary; provisioningParameters: boolean };

export interface DiagnoseFacts {
  identification(): Promise<Identification>;
  principal(): Promise<Principal | undefined>;
  instanceProfile(): Promise<InstanceProfile>;
  sharedFiles(): Promise<SharedFiles>;
  /** The identity as whoami judges it (botocore's link, STS's answer, the verdict). */
  identity(): Promise<IdentityReport>;
  /** Which link of the chain supplied the keys; undefined when none did. */
  credentialSource(): Promise<CredentialSource | undefined>;
  node(): Promise<NodeLookup>;
  /** A HyperPod node, or an instance with a role: somewhere local keys override the platform's role. */
  onNode(): Promise<boolean>;
  /** The invoking user's home (SUDO_USER's under sudo). */
  home(): Promise<UserHome>;
  awsDir(): Promise<AwsDirFinding>;
  /** The boto config and AWS_CREDENTIAL_FILE files botocore reads for that home. */
  keyFiles(): Promise<KeyFile[]>;
  shellExports(): Promise<ExportFinding[]>;
  /** The same reading with what hpiam cannot decide about it (file:line and why). */
  shellStartup(): Promise<StartupReading>;
  /** The SSM agent's identity, Profile settings and version (ssm-agent and root-credentials both need them). */
  ssmAgent(): Promise<SsmAgentState>;
}

export function createFacts(ctx: Context, options: DiagnoseOptions): DiagnoseFacts {
  const identification = once(() => ctx.aws.identify({ profile: options.profile, region: options.region }));
  const instanceProfile = once(() => ctx.imds.describe());
  const sharedFiles = once(() => ctx.aws.sharedFiles());
  const node = once(() => lookUpNode(ctx, options.resourceConfig, instanceProfile));
  const home = once(() => invokingUserHome(ctx));
  const shellStartup = once(async () => {
    const { home: dir, user } = await home();
    return readShellStartup(ctx, dir, { user });
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
    sharedFiles,
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
      // This process's own home is read through the files its SDK uses (AWS_SHARED_CREDENTIALS_FILE, …).
      if (target.home !== ctx.user.home) return scanAwsDir(ctx, target.home);
      const { credentialsPath, configPath } = await sharedFiles();
      return scanAwsDir(ctx, target.home, { credentialsPath, configPath });
    }),
    keyFiles: once(async () => ctx.aws.keyFiles((await home()).home)),
    shellExports: once(async () => (await shellStartup()).exports),
    shellStartup,
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
