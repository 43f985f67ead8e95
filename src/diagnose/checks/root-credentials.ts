import type { Context } from "../../context";
import { type RootKeysFinding, rootKeysImpact, type SsmAgentState } from "../../node/model/ssm-agent";
import { scanAwsDir } from "../../identity/aws-dir";
import { placesInHome } from "../../recover/model/key-places";
import { describePlace, describeWhere, readBy } from "../../identity/model/key-inventory";
import type { Check, CheckInput } from "./check";

export const SSM_CORE_POLICY = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore";

/**
 * /root/.aws: every command root runs signs with keys there, the SSM agent's documents too; whether the agent's own
 * connection breaks depends on its identity (identity_config.json), which `details.agentImpact` says.
 */
export const rootCredentials: Check<"root-credentials"> = {
  id: "root-credentials",
  title: "root's AWS credentials",
  needs: "root",
  async run(input, ctx) {
    const home = (await ctx.user.lookup("root"))?.home ?? "/root";
    const [scan, agent] = await Promise.all([scanAwsDir(ctx, home), input.facts.ssmAgent()]);
    const profiles = placesInHome(scan.inventory.places, home);
    // The agent uses root's default profile; keys under other names sit there unused until someone selects them.
    const finding = rootKeysImpact(agent, profiles, (place) => readBy(place, "default"));
    const details = { dir: scan.dir, present: scan.present, profiles, agentImpact: finding.impact };
    const { used, agentsOwn } = finding;
    if (used) {
      return {
        status: "fail",
        message: `${describePlace(used)} in ${describeWhere(used)}: ${finding.says}`,
        remediation: await remediation(finding, agent, input, ctx, home),
        details,
      };
    }
    const others = profiles.filter((profile) => profile !== agentsOwn);
    if (others.length > 0) {
      return {
        status: "warn",
        message: `credentials in ${scan.dir} under other profiles (${others.map((p) => p.profile ?? p.section).join(", ")}): not used by default`,
        remediation: "sudo hpiam recover --user root",
        details,
      };
    }
    if (agentsOwn) {
      return {
        status: "pass",
        message: `only the SSM agent's own temporary credentials (${agentsOwn.accessKeyId ?? "…"}) in ${describeWhere(agentsOwn)}, where its OnPrem identity shares them`,
        details,
      };
    }
    return { status: "pass", message: `no AWS credentials in ${scan.dir}`, details };
  },
};

/**
 * Moving the keys aside, then restarting the agent (recover's reboot does too) restores it; an OnPrem agent writes
 * its section back, at start or at its next refresh. Where the agent may sign as the key's IAM user, SSM access for
 * that user brings an unreachable node back meanwhile; where a long-term key sits beside the agent's session token,
 * no policy helps.
 */
async function remediation(
  finding: RootKeysFinding,
  agent: SsmAgentState,
  input: CheckInput,
  ctx: Context,
  rootHome: string,
): Promise<string> {
  const recover = "sudo hpiam recover --user root";
  const restart = `sudo systemctl restart ${agent.unit}`;
  switch (finding.impact) {
    case "agent-connection":
      return `${recover}, then ${restart}: the agent writes its own credentials back (its next refresh would too)`;
    case "agent-commands":
      return `${recover}, then ${restart}`;
    case "unknown":
      return (
        `${recover}, then ${restart}; if the node is already off SSM, an IAM admin runs: ` +
        `aws iam attach-user-policy --user-name ${await iamUserOf(input, ctx, rootHome)} --policy-arn ${SSM_CORE_POLICY}`
      );
    case "none":
      return recover;
  }
}

/** Root's own run knows whose key it is (STS said so); under sudo or for another home, the admin fills it in. */
async function iamUserOf({ facts }: CheckInput, ctx: Context, rootHome: string): Promise<string> {
  if (ctx.user.home !== rootHome) return "<IAM-USER>";
  const principal = await facts.principal();
  return principal?.type === "iam-user" && principal.name ? principal.name : "<IAM-USER>";
}
