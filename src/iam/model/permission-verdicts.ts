import type { SimulatedDecision } from "../../context";
import type { PolicyDocument } from "./document";
import { type Evaluation, evaluate } from "./evaluate";
import type { Permission } from "./policy-template";

/**
 * Each permission a policy of the catalog lists, judged against a principal's policies: by IAM's policy simulator
 * when it answered (and needed no condition value it lacked), else by hpiam's own evaluator. Without the policies
 * (an IAM user's are read only through the simulator), a simulator answer that lacked a condition value is
 * `conditional`.
 */

export type Standing = "granted" | "conditional" | "missing" | "denied";

export interface PermissionVerdict {
  action: string;
  resource: string;
  sid?: string;
  standing: Standing;
  /** The statements that decided it (own evaluator), e.g. `inline HyperPodExecutionPolicy (EC2Management)`. */
  by: string[];
  evaluatedBy: "simulator" | "hpiam";
}

export function judgePermissions(
  required: readonly Permission[],
  policies: readonly PolicyDocument[] | undefined,
  simulated: readonly SimulatedDecision[] = [],
): PermissionVerdict[] {
  return required.map((permission) => {
    const answers = simulated.filter(
      (s) =>
        s.action.toLowerCase() === permission.action.toLowerCase() &&
        (s.resource === permission.resource || s.resource === "*"),
    );
    const fromSimulator = answers.find((s) => s.missingContextKeys.length === 0);
    const base = {
      action: permission.action,
      resource: permission.resource,
      ...(permission.sid ? { sid: permission.sid } : {}),
    };
    if (fromSimulator) {
      const standing: Standing =
        fromSimulator.decision === "allowed"
          ? "granted"
          : fromSimulator.decision === "explicitDeny"
            ? "denied"
            : "missing";
      return { ...base, standing, by: [], evaluatedBy: "simulator" };
    }
    if (!policies) {
      const standing = answers.length ? "conditional" : "missing";
      return { ...base, standing, by: [], evaluatedBy: "simulator" };
    }
    const evaluation = evaluate(policies, permission.action, permission.resource);
    return {
      ...base,
      standing: standingOf(evaluation, permission.conditional),
      by: evaluation.statements
        .filter((s) => (evaluation.decision === "denied" ? s.effect === "Deny" : s.effect === "Allow"))
        .map((s) => (s.sid ? `${s.source} (${s.sid})` : s.source)),
      evaluatedBy: "hpiam",
    };
  });
}

/** A condition the template itself sets is expected: an Allow under a condition then counts as granted. */
function standingOf(evaluation: Evaluation, templateIsConditional: boolean): Standing {
  if (evaluation.decision === "implicit-deny") return "missing";
  if (evaluation.decision === "denied") return evaluation.conditional ? "conditional" : "denied";
  return evaluation.conditional && !templateIsConditional ? "conditional" : "granted";
}

/** Up to `max` distinct actions, then `+N more`. */
export function listActions(verdicts: readonly PermissionVerdict[], max = 4): string {
  const actions = [...new Set(verdicts.map((v) => v.action))];
  const shown = actions.slice(0, max).join(", ");
  return actions.length > max ? `${shown} (+${actions.length - max} more)` : shown;
}
