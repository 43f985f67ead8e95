/**
 * The instance metadata service settings botocore reads and checks each time it builds its credential chain
 * (`create_credential_resolver`, `resolve_imds_endpoint_mode`, `IMDSFetcher._select_base_url`): a bad one
 * stops every AWS command, whichever link would have signed.
 */
import type { Env } from "./botocore-config";
import type { Profile } from "./botocore-config";
import { chainErrors } from "./chain-errors";
import { stop, undecided } from "./chain-stop";
import { pythonInt, urlHostname } from "./python-forms";

export interface ImdsSettings {
  /** AWS_EC2_METADATA_DISABLED=true (any case): botocore never asks. */
  disabled: boolean;
  /** metadata_service_num_attempts: 0 or less, and botocore asks nothing. */
  attempts: number;
  /** metadata_service_timeout in seconds: 0 or less fails the first request. */
  timeout: number;
}

/** The variable when it is set (even empty), else the profile's key. */
function setting(env: Env, variable: string, profile: Profile, key: string) {
  const fromEnv = env[variable];
  if (fromEnv !== undefined) return { name: variable, value: fromEnv };
  const fromProfile = profile[key];
  return fromProfile === undefined ? undefined : { name: key, value: fromProfile };
}

function integer(found: { name: string; value: string } | undefined): number {
  if (!found) return 1;
  const value = pythonInt(found.value);
  if (value === "invalid") stop(chainErrors.notAnInteger(found.name, found.value));
  if (value === "unsure")
    undecided(found.name, `Python's int() reads "${found.value}" in ways hpiam does not follow`);
  return value;
}

const VALID_HOST = /^((?!-)[a-z\d-]{1,63}(?<!-)\.)*((?!-)[a-z\d-]{1,63}(?<!-))$/iu;

/** `is_valid_uri`: a scheme and a host name botocore accepts. */
function validEndpoint(endpoint: string, name: string): boolean {
  if (/[\t\r\n]/u.test(endpoint)) return false;
  const host = urlHostname(endpoint);
  if (host === undefined) undecided(name, `hpiam does not follow how Python splits the URL "${endpoint}"`);
  if (host === null || host.length > 255) return false;
  return VALID_HOST.test(host.endsWith(".") ? host.slice(0, -1) : host);
}

/** The settings, or the stop botocore makes on them, in its order: timeout, attempts, mode, endpoint. */
export function imdsSettings(env: Env, profile: Profile): ImdsSettings {
  const timeout = integer(setting(env, "AWS_METADATA_SERVICE_TIMEOUT", profile, "metadata_service_timeout"));
  const attempts = integer(
    setting(env, "AWS_METADATA_SERVICE_NUM_ATTEMPTS", profile, "metadata_service_num_attempts"),
  );
  const mode = setting(
    env,
    "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE",
    profile,
    "ec2_metadata_service_endpoint_mode",
  );
  if (mode && !["ipv4", "ipv6"].includes(mode.value.toLowerCase()))
    stop(chainErrors.imdsEndpointMode(mode.value));
  const endpoint = setting(
    env,
    "AWS_EC2_METADATA_SERVICE_ENDPOINT",
    profile,
    "ec2_metadata_service_endpoint",
  );
  if (endpoint?.value && !validEndpoint(endpoint.value, endpoint.name))
    stop(chainErrors.imdsEndpoint(endpoint.value));
  return { disabled: (env.AWS_EC2_METADATA_DISABLED ?? "false").toLowerCase() === "true", attempts, timeout };
}

/** Where the chain asks IMDS: a timeout of 0 or less fails the first request, unless none is made. */
export function imdsReached(settings: ImdsSettings): { attempts: number } {
  if (!settings.disabled && settings.attempts >= 1 && settings.timeout <= 0)
    stop(chainErrors.imdsTimeout(settings.timeout));
  return { attempts: settings.disabled ? 0 : settings.attempts };
}
