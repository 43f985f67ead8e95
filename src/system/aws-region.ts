import {
  loadConfig,
  NODE_REGION_CONFIG_FILE_OPTIONS,
  NODE_REGION_CONFIG_OPTIONS,
  resolveRegionConfig,
} from "@smithy/core/config";

/**
 * The Region named by the caller, in `aws`'s order: `--region`, `AWS_REGION`, then `AWS_DEFAULT_REGION`, which
 * botocore reads and the JS SDK does not. Undefined leaves the profile's `region` to the SDK.
 */
export function givenRegion(
  region: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
): string | undefined {
  return region || env.AWS_REGION || env.AWS_DEFAULT_REGION || undefined;
}

/**
 * The Region an SDK client takes from these: the given one, else the profile's `region`, through the client's
 * own loader (a FIPS pseudo-Region is its real Region). Undefined when neither names a valid Region.
 */
export async function configuredRegion(
  given: string | undefined,
  profile: string | undefined,
): Promise<string | undefined> {
  const { region } = resolveRegionConfig({
    region: given ?? loadConfig(NODE_REGION_CONFIG_OPTIONS, { ...NODE_REGION_CONFIG_FILE_OPTIONS, profile }),
    useFipsEndpoint: false,
  });
  return region().catch(() => undefined);
}
