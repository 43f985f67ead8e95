import type { ChainFiles } from "./botocore-chain";
import type { Env } from "./botocore-config";

/**
 * The variables the SDK for JavaScript's default chain reads before it asks the instance metadata service:
 * environment keys, a web identity token, a container's endpoint, and IMDS switched off.
 */
const BEFORE_IMDS = [
  "AWS_ACCESS_KEY_ID",
  "AWS_SECRET_ACCESS_KEY",
  "AWS_WEB_IDENTITY_TOKEN_FILE",
  "AWS_ROLE_ARN",
  "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
  "AWS_CONTAINER_CREDENTIALS_FULL_URI",
  "AWS_EC2_METADATA_DISABLED",
];

/**
 * Whether the SDK for JavaScript's chain (env, SSO, the shared files, credential_process, web identity, then a
 * container's endpoint or IMDS) can only end at the instance metadata service: none of its variables is set and
 * neither shared file exists. Its keys are then the IMDS keys botocore's iam-role link fetched, and asking for
 * them a second time says nothing new.
 */
export function sdkChainEndsAtImds(env: Env, files: Pick<ChainFiles, "config" | "credentials">): boolean {
  return (
    BEFORE_IMDS.every((name) => !env[name]) &&
    files.config.state === "absent" &&
    files.credentials.state === "absent"
  );
}
