import { instanceProfileDocument } from "../../contract/whoami";
import type { Check } from "./check";

const TOKEN_PROBE =
  "curl -s -X PUT http://169.254.169.254/latest/api/token -H 'X-aws-ec2-metadata-token-ttl-seconds: 60'";

/** IMDSv2 answers with a role, and that role is the identity in use. */
export const instanceProfile: Check<"instance-profile"> = {
  id: "instance-profile",
  title: "Instance profile (IMDSv2)",
  async run({ facts }) {
    const [imds, lookup] = await Promise.all([facts.instanceProfile(), facts.node()]);
    const details = instanceProfileDocument(imds);
    const hyperpod = lookup.state !== "absent";
    if (!imds.reachable) {
      return hyperpod
        ? {
            status: "fail",
            message: `IMDS is unreachable (${briefly(imds.error)}): the node's role credentials cannot be fetched`,
            remediation: `check that IMDS answers: ${TOKEN_PROBE}`,
            details,
          }
        : {
            status: "skip",
            message: `no instance metadata service here (${briefly(imds.error)})`,
            details,
          };
    }
    if (!imds.roleName) {
      return {
        status: hyperpod ? "fail" : "warn",
        message: "IMDS answers but lists no role: no instance profile is attached",
        details,
      };
    }
    const role = imds.roleName;
    const [principal, { credentialSource: source, verdict }] = await Promise.all([
      facts.principal(),
      facts.identity(),
    ]);
    if (!principal)
      return { status: "pass", message: `role ${role} (STS did not say whose keys are in use)`, details };
    if (principal.type === "assumed-role" && principal.name === role) {
      return { status: "pass", message: `role ${role}, the identity in use`, details };
    }
    const inUse = principal.name ?? principal.type;
    if (verdict.expectedFrom === "imds-proxy") {
      return {
        status: "pass",
        message: `IMDS lists role ${role} and serves this user the downgraded role ${inUse}: a local IMDS proxy for non-root users, on purpose`,
        details,
      };
    }
    if (source?.method === "iam-role") {
      // A downgraded-role IMDS proxy may list one role's name and serve another's keys to non-root users.
      return {
        status: "warn",
        message: `IMDS lists role ${role} but its keys sign as ${inUse}: a local IMDS proxy may serve a downgraded role (see imds-proxy)`,
        details,
      };
    }
    return {
      status: "warn",
      message: `role ${role} is attached, but calls sign as ${inUse} (see credential-source)`,
      details,
    };
  },
};

/** The SDK's error text in a few words, for the table; details keep all of it. */
function briefly(error: string | undefined): string {
  if (!error) return "no answer";
  if (/ECONNREFUSED/.test(error)) return "connection refused";
  if (/timeout|timed out|ETIMEDOUT/i.test(error)) return "no answer in time";
  if (/EHOSTUNREACH|ENETUNREACH/.test(error)) return "no route to it";
  return error.length > 80 ? `${error.slice(0, 79)}…` : error;
}
