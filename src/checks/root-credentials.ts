import type { Context } from "../context";
import { scanAwsDir } from "../scan/aws-dir";
import { describeProfile } from "./aws-files";
import type { Check, CheckInput } from "./check";

export const SSM_CORE_POLICY = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore";

/** /root/.aws: the SSM agent runs as root and may sign with keys there, so the node can drop off SSM (seed 000). */
export const rootCredentials: Check<"root-credentials"> = {
  id: "root-credentials",
  title: "root's AWS credentials",
  needs: "root",
  async run(input, ctx) {
    const home = (await ctx.user.lookup("root"))?.home ?? "/root";
    const scan = await scanAwsDir(ctx, home);
    const profiles = scan.files.flatMap((file) =>
      file.profiles.map((profile) => ({ ...profile, file: file.path })),
    );
    const details = { dir: scan.dir, present: scan.present, profiles };
    // The agent uses root's default profile; keys under other names sit there unused until someone selects them.
    const used = profiles.find((profile) => profile.profile === "default");
    if (used) {
      return {
        status: "fail",
        message: `${describeProfile(used)} in ${used.file} [default]: the SSM agent runs as root and may sign with them, so the node can drop off SSM`,
        remediation:
          `sudo hpiam recover --user root; if the node is already off SSM, an IAM admin runs: ` +
          `aws iam attach-user-policy --user-name ${await iamUserOf(input, ctx, home)} --policy-arn ${SSM_CORE_POLICY}`,
        details,
      };
    }
    if (profiles.length > 0) {
      return {
        status: "warn",
        message: `credentials in ${scan.dir} under other profiles (${profiles.map((p) => p.profile).join(", ")}): not used by default`,
        remediation: "sudo hpiam recover --user root",
        details,
      };
    }
    return { status: "pass", message: `no AWS credentials in ${scan.dir}`, details };
  },
};

/** Root's own run knows whose key it is (STS said so); under sudo or for another home, the admin fills it in. */
async function iamUserOf({ facts }: CheckInput, ctx: Context, rootHome: string): Promise<string> {
  if (ctx.user.home !== rootHome) return "<IAM-USER>";
  const principal = await facts.principal();
  return principal?.type === "iam-user" && principal.name ? principal.name : "<IAM-USER>";
}
