import { classifyPrincipal } from "../domain/arn";
import { classifyAwsError } from "../domain/aws-errors";
import type { Check } from "./check";

/** STS GetCallerIdentity through the default chain, its failures classified. */
export const callerIdentity: Check<"caller-identity"> = {
  id: "caller-identity",
  title: "Caller identity (STS)",
  async run({ facts }) {
    const [found, { chainError }] = await Promise.all([facts.identification(), facts.identity()]);
    if (chainError) {
      return {
        status: "fail",
        message: `boto3 and the AWS CLI stop with: ${chainError.message}`,
        remediation: chainError.fix,
        details: { problem: "broken-chain", error: chainError.kind, region: found.region },
      };
    }
    const failure = found.stsError ?? found.credentialsError;
    if (found.identity) {
      return {
        status: "pass",
        message: found.identity.arn,
        details: { ...found.identity, ...classifyPrincipal(found.identity.arn), region: found.region },
      };
    }
    const problem = classifyAwsError(failure ?? { name: "Error", message: "STS gave no answer" });
    const remediation =
      problem.kind === "no-credentials"
        ? "on a node the instance profile supplies them: see the instance-profile check"
        : problem.hint;
    return {
      status: problem.kind === "throttled" ? "warn" : "fail",
      message: problem.message,
      remediation,
      details: { problem: problem.kind, region: found.region },
    };
  },
};
