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
