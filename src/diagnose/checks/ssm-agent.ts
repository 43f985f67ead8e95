import type { Context, RunResult } from "../../context";
import type { SsmAgentIdentityDetails } from "../../contract/check-details";
import { AGENT_UNITS, describeAgent, type SsmAgentState } from "../../node/model/ssm-agent";
import { CannotRunError } from "../../errors";
import type { Check } from "./check";

const UNITS = [AGENT_UNITS.package, AGENT_UNITS.snap];
/** `systemctl is-active` answers 0 active, 3 not running, 4 no such unit; anything else is systemctl failing. */
const STATE_CODES = [0, 3, 4];

/**
 * The SSM agent runs: without it the node cannot be reached over SSM (connect-head, Run Command). Its identity and
 * version are reported too: they decide what root's keys break (root-credentials).
 */
export const ssmAgent: Check<"ssm-agent"> = {
  id: "ssm-agent",
  title: "SSM agent",
  async run({ facts }, ctx) {
    // systemctl is asked while the node is looked up (which waits for IMDS) and the agent's files are read: the
    // first unit is the one nearly every node runs. Off a HyperPod node its answer goes unused.
    const first = isActive(ctx, UNITS[0] ?? "");
    first.catch(() => undefined); // awaited below: a failure meanwhile is not an unhandled one
    if ((await facts.node()).state === "absent") {
      return { status: "skip", message: "not a HyperPod node: nothing reaches it over SSM" };
    }
    const agent = await facts.ssmAgent();
    const about = agentDetails(agent);
    const states: Record<string, string> = {};
    for (const unit of UNITS) {
      const answer = unit === UNITS[0] ? await first : await isActive(ctx, unit);
      if (!answer)
        return {
          status: "skip",
          message: "systemctl is not available: cannot ask about the SSM agent",
          details: about,
        };
      if (answer.timedOut || !STATE_CODES.includes(answer.exitCode)) {
        const why = answer.timedOut
          ? "no answer within 3 s"
          : answer.stderr.trim().split("\n")[0] || `exit ${answer.exitCode}`;
        return { status: "skip", message: `systemctl cannot answer (${why})`, details: about };
      }
      if (answer.exitCode === 0)
        return {
          status: "pass",
          message: `${unit} is active (${describeAgent(agent)})`,
          details: { unit, state: "active", ...about },
        };
      states[unit] = answer.stdout.trim() || `exit ${answer.exitCode}`;
    }
    const { package: deb, snap } = AGENT_UNITS;
    // `is-active` says "inactive" for a unit that does not exist too; restart the one the image uses.
    const unit = states[snap] === "failed" || states[snap] === "activating" ? snap : deb;
    return {
      status: "fail",
      message: `the SSM agent is not running (${Object.entries(states)
        .map(([name, state]) => `${name}: ${state}`)
        .join(", ")}): the node cannot be reached over SSM`,
      remediation: `sudo systemctl restart ${unit}`,
      details: { states, ...about },
    };
  },
};

/** `identityType`, `shareFile`, … of identity_config.json (null where unknown, and `identityUnknown` says why). */
function agentDetails({ identity, shareCreds, version }: SsmAgentState): SsmAgentIdentityDetails {
  if ("unread" in identity) {
    const none = { identityType: null, credentialSource: null, shareFile: null, shareProfile: null };
    return { ...none, shareCreds, version, identityUnknown: identity.unread };
  }
  const { identityType, credentialSource, shareFile, shareProfile } = identity;
  return { identityType, credentialSource, shareFile, shareProfile, shareCreds, version };
}

async function isActive(ctx: Context, unit: string): Promise<RunResult | undefined> {
  try {
    return await ctx.exec.run(["systemctl", "is-active", unit], { timeoutMs: 3000 });
  } catch (error) {
    if (error instanceof CannotRunError) return undefined;
    throw error;
  }
}
