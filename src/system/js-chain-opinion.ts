import { defaultProvider } from "@aws-sdk/credential-provider-node";
import type { AwsOptions, Identification } from "../context";

/**
 * What the SDK for JavaScript's own default chain (Node.js tools: the CDK, Lambda tooling) would sign with,
 * bounded. Never the answer, only a second opinion.
 */
export async function secondOpinion(
  profile: string | undefined,
  files: AwsOptions["sharedFiles"],
): Promise<Pick<Identification, "jsChain">> {
  try {
    const paths = files ? { filepath: files.credentialsPath, configFilepath: files.configPath } : {};
    const credentials = await withDeadline(
      defaultProvider({ profile, ignoreCache: true, logger: quiet, ...paths })(),
      3000,
    );
    const features = Object.keys((credentials as { $source?: Record<string, string> }).$source ?? {});
    return { jsChain: { accessKeyId: credentials.accessKeyId, features } };
  } catch {
    return {};
  }
}

const quiet = { debug() {}, info() {}, warn() {}, error() {} };

function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error("timed out")), ms);
  });
  return Promise.race([work, expired]).finally(() => clearTimeout(timer));
}
