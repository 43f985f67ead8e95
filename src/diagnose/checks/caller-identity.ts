import { classifyPrincipal } from "../../identity/model/arn";
import { classifyAwsError, refusedByAws } from "../../identity/model/aws-errors";
import type { Check } from "./check";

/** STS GetCallerIdentity through the default chain, its failures classified. */
export const callerIdentity: Check<"caller-identity"> = {
  id: "caller-identity",
  title: "Caller identity (STS)",
  async run({ facts }) {
    const [found, { chainError, undecided, verdict, problem: classified }] = await Promise.all([
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
    if (found.identity) {
      return {
        status: "pass",
        message: found.identity.arn,
        details: { ...found.identity, ...classifyPrincipal(found.identity.arn), region: found.region },
      };
    }
    const problem = classified ?? classifyAwsError({ name: "Error", message: "STS gave no answer" });
    const remediation =
      problem.kind === "no-credentials"
        ? "on a node the instance profile supplies them: see the instance-profile check"
        : problem.hint;
    // As in whoami's verdict: keys STS refused fail; no keys, or no answer about them, decide nothing.
    return {
      status: refusedByAws(problem) ? "fail" : "error",
      message: problem.message,
      remediation,
      details: { problem: problem.kind, region: found.region },
    };
  },
};
