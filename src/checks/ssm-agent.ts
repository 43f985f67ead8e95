import type { Context, RunResult } from "../context";
import { CannotRunError } from "../errors";
import type { Check } from "./check";

/** The deb/rpm package's unit, and the snap's (Ubuntu images). */
const UNITS = ["amazon-ssm-agent", "snap.amazon-ssm-agent.amazon-ssm-agent"];
/** `systemctl is-active` answers 0 active, 3 not running, 4 no such unit; anything else is systemctl failing. */
const STATE_CODES = [0, 3, 4];

/** The SSM agent runs: without it the node cannot be reached over SSM (connect-head, Run Command). */
export const ssmAgent: Check<"ssm-agent"> = {
  id: "ssm-agent",
  title: "SSM agent",
  async run({ facts }, ctx) {
    if ((await facts.node()).state === "absent") {
      return { status: "skip", message: "not a HyperPod node: nothing reaches it over SSM" };
    }
    const states: Record<string, string> = {};
    for (const unit of UNITS) {
      const answer = await isActive(ctx, unit);
      if (!answer)
        return { status: "skip", message: "systemctl is not available: cannot ask about the SSM agent" };
      if (answer.timedOut || !STATE_CODES.includes(answer.exitCode)) {
        const why = answer.timedOut
          ? "no answer within 3 s"
          : answer.stderr.trim().split("\n")[0] || `exit ${answer.exitCode}`;
        return { status: "skip", message: `systemctl cannot answer (${why})` };
      }
      if (answer.exitCode === 0)
        return { status: "pass", message: `${unit} is active`, details: { unit, state: "active" } };
      states[unit] = answer.stdout.trim() || `exit ${answer.exitCode}`;
    }
    const [deb = "", snap = ""] = UNITS;
    // `is-active` says "inactive" for a unit that does not exist too; restart the one the image uses.
    const unit = states[snap] === "failed" || states[snap] === "activating" ? snap : deb;
    return {
      status: "fail",
      message: `the SSM agent is not running (${Object.entries(states)
        .map(([name, state]) => `${name}: ${state}`)
        .join(", ")}): the node cannot be reached over SSM`,
      remediation: `sudo systemctl restart ${unit}`,
      details: { states },
    };
  },
};

async function isActive(ctx: Context, unit: string): Promise<RunResult | undefined> {
  try {
    return await ctx.exec.run(["systemctl", "is-active", unit], { timeoutMs: 3000 });
  } catch (error) {
    if (error instanceof CannotRunError) return undefined;
    throw error;
  }
}
