import type { AwsCallError } from "../../context";
import { classifyAwsError } from "../../identity/model/aws-errors";

/**
 * Why an IAM or SSM read did not answer, in the terms a check reports: a refused call is a `skip` naming the
 * permission it needed (never a failure of the thing checked), a missing entity is a finding of its own.
 */
export interface Refusal {
  kind: "denied" | "not-found" | "unavailable";
  /** The IAM action the call needed, e.g. `iam:GetRole`. */
  permission: string;
  /** One line: `needs iam:GetRole`, `not found`, or what went wrong. */
  message: string;
}

const DENIED = new Set(["AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "Forbidden"]);
const NOT_FOUND = new Set([
  "NoSuchEntity",
  "NoSuchEntityException",
  "ResourceNotFound",
  "ResourceNotFoundException",
  "ServiceSettingNotFound",
]);

export function refusalOf(error: AwsCallError, permission: string): Refusal {
  if (DENIED.has(error.name) || /not authorized to perform/i.test(error.message)) {
    return { kind: "denied", permission, message: `needs ${permission}` };
  }
  // SageMaker answers a missing cluster with a ValidationException "Could not find cluster …".
  if (
    NOT_FOUND.has(error.name) ||
    (error.name === "ValidationException" && /could not find|does not exist/i.test(error.message))
  )
    return { kind: "not-found", permission, message: "not found" };
  const classified = classifyAwsError(error);
  return {
    kind: "unavailable",
    permission,
    message:
      classified.kind === "service-error"
        ? `${permission.split(":")[1] ?? permission} failed: the endpoint answered ${error.httpStatus ?? "an error"}`
        : classified.message,
  };
}

/** How a check reports a refusal: a missing thing is a finding, a refused read a `skip`, anything else an `error`. */
export const refusalStatus = (refusal: Refusal): "fail" | "skip" | "error" =>
  refusal.kind === "not-found" ? "fail" : refusal.kind === "denied" ? "skip" : "error";
