import { sourceDocument } from "../../contract/whoami";
import { environmentFix } from "../../recover/model/manual-fixes";
import { credentialVariablesIn } from "../../shell/model/shell-exports";
import { describeSource } from "../../identity/model/verdict";
import { asInvoked, type Check } from "./check";

/** Which link of botocore's chain won; on a node, anything local beats the instance profile. */
export const credentialSource: Check<"credential-source"> = {
  id: "credential-source",
  title: "Credential source",
  async run({ facts }, ctx) {
    const [{ credentialSource: source, verdict }, onNode, imds] = await Promise.all([
      facts.identity(),
      facts.onNode(),
      facts.instanceProfile(),
    ]);
    if (verdict.status === "broken") {
      return {
        status: "fail",
        message: verdict.reason,
        ...(verdict.fix ? { remediation: verdict.fix } : {}),
      };
    }
    if (!source) {
      return { status: "skip", message: "no link of the chain supplied credentials (see caller-identity)" };
    }
    const details = sourceDocument(source);
    const what = describeSource(source);
    if (source.method === "iam-role") {
      // whoami's verdict decides: as root (who bypasses a local proxy) keys of a role IMDS does not list fail.
      if (verdict.status === "mismatch") {
        const remediation = "see imds-proxy: a local IMDS proxy may redirect root's requests too";
        return { status: "fail", message: verdict.reason, remediation, details };
      }
      const role = imds.roleName ? ` (role ${imds.roleName})` : "";
      return { status: "pass", message: `${what}${role}`, details };
    }
    if (!onNode)
      return { status: "pass", message: `${what} (no instance profile here to override)`, details };
    if (!source.local) {
      // whoami's verdict decides: a web identity or container role other than the expected role is no pass.
      const status = verdict.status === "mismatch" ? "fail" : "warn";
      return { status, message: `${what} supplies the keys, not the instance profile`, details };
    }
    const remediation =
      source.method === "env"
        ? `${environmentFix(credentialVariablesIn(ctx.env)).command} (and remove the export lines the environment check names)`
        : verdict.status === "overridden" && verdict.fix
          ? verdict.fix
          : asInvoked(ctx, "hpiam recover");
    return {
      status: "fail",
      message: `${what} ${source.longTerm ? `(${source.accessKeyId}, long-term) ` : ""}overrides the instance profile`,
      remediation,
      details,
    };
  },
};
