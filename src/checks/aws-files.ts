import type { ProfileFinding } from "../domain/aws-profiles";
import { activeProfile } from "../domain/credential-source";
import type { AwsDirFinding } from "../scan/aws-dir";
import { asInvoked, type Check, type CheckOutcome, foldFindings } from "./check";

/** ~/.aws/credentials and ~/.aws/config (or AWS_SHARED_CREDENTIALS_FILE, AWS_CONFIG_FILE): keys, modes. */
export const awsFiles: Check = {
  id: "aws-files",
  title: "AWS shared files",
  async run({ facts, options }, ctx) {
    const [scan, home, onNode] = await Promise.all([facts.awsDir(), facts.home(), facts.onNode()]);
    const details = describeScan(scan);
    if (scan.accessDenied) {
      return { status: "skip", message: `cannot look inside ${scan.home}: run with sudo`, details };
    }
    // Another user's SDK (SUDO_USER's) reads their default profile, not this process's AWS_PROFILE.
    const active = home.home === ctx.user.home ? activeProfile(ctx.env, options.profile) : "default";
    const findings: CheckOutcome[] = [];
    const unused: string[] = [];
    for (const file of scan.files) {
      if (file.exists && !file.readable) {
        findings.push({ status: "warn", message: `cannot read ${file.path}` });
      }
      for (const profile of file.profiles) {
        const where = `${describeProfile(profile)} in ${file.path} [${profile.profile}]`;
        if (profile.profile !== active) {
          if (profile.kind === "static-keys") {
            findings.push({
              status: "warn",
              message: `${where}, used when a tool selects that profile`,
              remediation: asInvoked(ctx, "hpiam recover"),
            });
          }
        } else if (onNode) {
          findings.push({
            status: "fail",
            message: `${where} override the instance profile`,
            remediation: asInvoked(ctx, "hpiam recover"),
          });
        } else {
          unused.push(where);
        }
      }
      if (file.looserThanOwnerOnly && file.mode !== undefined) {
        findings.push({
          status: "warn",
          message: `${file.path} is readable by other users (mode ${octal(file.mode)})`,
          remediation: `chmod 600 ${file.path}`,
        });
      }
    }
    const otherwise: CheckOutcome =
      unused.length > 0
        ? { status: "pass", message: `${unused.join(", ")} (no instance profile here to override)` }
        : {
            status: "pass",
            message: scan.present ? `no credentials in ${scan.dir}` : `${scan.dir} does not exist`,
          };
    return foldFindings(findings, otherwise, details);
  },
};

export function describeProfile(profile: ProfileFinding): string {
  switch (profile.kind) {
    case "static-keys":
      return `static keys${profile.accessKeyId ? ` (${profile.accessKeyId})` : ""}`;
    case "assume-role":
      return "a role_arn profile";
    case "credential-process":
      return "a credential_process";
    case "sso":
      return "an SSO login";
    case "web-identity":
      return "a web identity token";
  }
}

function describeScan(scan: AwsDirFinding): Record<string, unknown> {
  return {
    dir: scan.dir,
    present: scan.present,
    ...(scan.symlinkTarget === undefined ? {} : { symlinkTarget: scan.symlinkTarget }),
    files: scan.files.map((file) => ({
      path: file.path,
      exists: file.exists,
      ...(file.mode === undefined ? {} : { mode: octal(file.mode) }),
      profiles: file.profiles,
    })),
  };
}

export function octal(mode: number): string {
  return `0${(mode & 0o777).toString(8).padStart(3, "0")}`;
}
