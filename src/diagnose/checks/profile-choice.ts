import type { Env } from "../../context";
import { chooseProfile } from "../../identity/model/botocore-config";
import type { IdentityReport } from "../../identity/identify";
import type { CheckOutcome } from "./check";

export interface ProfileChoiceFinding extends CheckOutcome {
  /** The variable its remediation unsets: the environment check's own `unset` leaves it out, not to say it twice. */
  unsets?: string;
}

/**
 * What the variables that choose a profile, or half-set keys, do to boto3 and the AWS CLI: part of the
 * environment check. botocore reads AWS_DEFAULT_PROFILE before AWS_PROFILE (the SDK for JavaScript never
 * reads it), stops on a profile no file defines, and stops on a key id without its secret.
 */
export function profileChoiceFindings(
  env: Env,
  identity: IdentityReport,
  profileFlag?: string,
): ProfileChoiceFinding[] {
  const findings: ProfileChoiceFinding[] = [];
  const error = identity.chainError;
  if (error?.kind === "profile-not-found" || error?.provider === "env") {
    const { namedBy } = chooseProfile(env, profileFlag);
    findings.push({
      status: "fail",
      message: `boto3 and the AWS CLI stop with: ${error.message}`,
      remediation: error.fix,
      ...(error.kind === "profile-not-found" && namedBy !== "--profile" && namedBy
        ? { unsets: namedBy }
        : {}),
    });
  }
  const chosen = env.AWS_DEFAULT_PROFILE;
  if (chosen !== undefined && error?.kind !== "profile-not-found") {
    const shadowed =
      env.AWS_PROFILE !== undefined && env.AWS_PROFILE !== chosen
        ? `, not AWS_PROFILE's ${env.AWS_PROFILE}`
        : "";
    findings.push({
      status: "warn",
      message: `AWS_DEFAULT_PROFILE=${chosen}: boto3 and the AWS CLI use profile ${chosen || "default"}${shadowed}; Node.js tools ignore it`,
      remediation: "unset AWS_DEFAULT_PROFILE (AWS_PROFILE is the name every AWS tool reads)",
      unsets: "AWS_DEFAULT_PROFILE",
    });
  }
  return findings;
}
