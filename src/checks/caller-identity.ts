import { classifyAwsError } from "../domain/aws-errors";
import type { Check } from "./check";

/** STS GetCallerIdentity through the default chain, its failures classified. */
export const callerIdentity: Check = {
  id: "caller-identity",
  title: "Caller identity (STS)",
  async run({ facts }) {
    const [found, { chainError, undecided, verdict }] = await Promise.all([
      facts.identification(),
      facts.identity(),
    ]);
    // Not decided is not passed: the check could not finish, and the node is unknown.
    if (undecided) {
      return {
        status: "error",
        message: verdict.reason,
        ...(verdict.fix ? { remediation: verdict.fix } : {}),
        details: { problem: "undecided-chain", setting: undecided.setting, region: found.region },
      };
    }
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
      const principal = await facts.principal();
      return {
        status: "pass",
        message: found.identity.arn,
        details: { ...found.identity, ...principal, region: found.region },
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
