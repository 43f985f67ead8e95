import type { AwsOptions, JsChainOpinion } from "../context";
import type { ReadIni } from "../identity/model/botocore-chain";
import type { BotocoreFiles } from "./botocore-files";

/**
 * What the SDK for JavaScript's own default chain (Node.js tools: the CDK, Lambda tooling) would sign with,
 * bounded. Never the answer, only a second opinion. None where the files name a credential_process: the SDK
 * would run it a second time, through a shell and with no deadline that ends it.
 */
export async function secondOpinion(
  profile: string | undefined,
  files: AwsOptions["sharedFiles"],
  raw: BotocoreFiles["raw"],
): Promise<JsChainOpinion | undefined> {
  try {
    if (namesProcess(raw.config) || namesProcess(raw.credentials)) return undefined;
    // Loaded only when asked: where botocore's link is the instance profile, whoami never asks.
    const { defaultProvider } = await import("@aws-sdk/credential-provider-node");
    const paths = files ? { filepath: files.credentialsPath, configFilepath: files.configPath } : {};
    const credentials = await withDeadline(
      defaultProvider({ profile, ignoreCache: true, logger: quiet, ...paths })(),
      3000,
    );
    const features = Object.keys((credentials as { $source?: Record<string, string> }).$source ?? {});
    return { accessKeyId: credentials.accessKeyId, features };
  } catch {
    return undefined;
  }
}

function namesProcess(file: ReadIni): boolean {
  return (
    file.state === "parsed" && Object.values(file.sections).some((section) => "credential_process" in section)
  );
}

const quiet = { debug() {}, info() {}, warn() {}, error() {} };

function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error("timed out")), ms);
  });
  return Promise.race([work, expired]).finally(() => clearTimeout(timer));
}
