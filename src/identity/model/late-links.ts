/**
 * The links botocore reaches late in its chain, and SSO's own checks: each returns the link when it applies, or
 * stops the chain where botocore would (botocore/credentials.py, 1.43).
 */
import type { Profile } from "./botocore-config";
import type { ChainInput, ChainLink } from "./botocore-chain";
import { chainErrors } from "./chain-errors";
import { sectionsOf, stop, undecided } from "./chain-stop";
import { urlHostname } from "./python-forms";

/** `SSOProvider._load_sso_config`: a profile that starts SSO must have the rest of it. */
export function checkSso(profile: Profile, sessions: Record<string, Profile>, name: string): void {
  let resolved = profile;
  const required = ["sso_role_name", "sso_account_id", "sso_start_url", "sso_region"];
  if (profile.sso_session !== undefined) {
    const session = sessions[profile.sso_session];
    if (!session) stop(chainErrors.ssoSessionMissing(profile.sso_session));
    resolved = { ...session, ...profile };
    required.push("sso_session");
  }
  const missing = required.filter((key) => !(key in resolved));
  if (missing.length > 0) stop(chainErrors.ssoIncomplete(name, missing));
}

/** `OriginalEC2Provider`: only when AWS_CREDENTIAL_FILE is set; a file that is not there stops the chain. */
export function ec2CredentialFile(input: ChainInput): ChainLink | undefined {
  const file = input.ec2CredentialFile;
  if (!file) return undefined;
  if (!file.values) stop(chainErrors.configNotFound(file.path));
  if (!("AWSAccessKeyId" in file.values)) return undefined;
  if (!("AWSSecretKey" in file.values)) stop(chainErrors.keyError("AWSSecretKey"));
  return { method: "ec2-credentials-file", path: file.path };
}

/** `BotoProvider`: the first boto file whose [Credentials] has a key id. */
export function botoConfig(input: ChainInput): ChainLink | undefined {
  for (const file of input.botoFiles) {
    const section = sectionsOf(file).Credentials;
    if (!section || !("aws_access_key_id" in section)) continue;
    if (!("aws_secret_access_key" in section))
      stop(chainErrors.partial("boto-config", "aws_secret_access_key"));
    return { method: "boto-config", path: file.path };
  }
  return undefined;
}

const CONTAINER_HOSTS = ["169.254.170.2", "169.254.170.23", "fd00:ec2::23", "localhost"];

/**
 * `ContainerMetadataFetcher._validate_allowed_url`: https, a loopback address or one of ECS's and EKS's hosts;
 * any other host stops the chain before a request is made.
 */
export function checkContainerHost(uri: string): void {
  if (/^https:/iu.test(uri)) return;
  const host = urlHostname(uri);
  if (host === undefined)
    undecided("the container credentials URI", `hpiam does not follow how Python splits the URL "${uri}"`);
  if (host !== null && (isLoopback(host) || CONTAINER_HOSTS.includes(host))) return;
  stop(chainErrors.containerHost(host));
}

/** Python's `ip_address(host).is_loopback` for a dotted IPv4 address (no leading zeros): 127.0.0.0/8. */
function isLoopback(host: string): boolean {
  const octets = host.split(".");
  return (
    octets.length === 4 &&
    octets[0] === "127" &&
    octets.every((octet) => /^(?:0|[1-9]\d{0,2})$/u.test(octet) && Number(octet) <= 255)
  );
}
