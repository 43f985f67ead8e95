/**
 * Keys that say when they expire (AWS_CREDENTIAL_EXPIRATION, a credential_process's Expiration): botocore
 * refreshes expired ones once, gets the same, and stops. It reads the time with dateutil, which takes far more
 * forms than ISO 8601; hpiam decides only on the ISO form with a zone and calls the rest undecidable.
 */
import { chainErrors } from "./chain-errors";
import { stop, undecided } from "./chain-stop";

const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})$/u;

export function checkExpiry(text: string, where: string, now: Date): void {
  const at = ISO_WITH_ZONE.test(text) ? Date.parse(text) : Number.NaN;
  if (Number.isNaN(at))
    undecided(
      where,
      `botocore reads the expiry "${text}" with dateutil: hpiam decides only on an ISO 8601 time with a zone`,
    );
  if (at < now.getTime()) stop(chainErrors.stillExpired(where));
}
