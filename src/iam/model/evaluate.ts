import type { Effect, PolicyDocument, Statement } from "./document";
import { matchAnyAction, matchAnyResource, matchResource } from "./match";

/**
 * Identity-policy and trust-policy evaluation as IAM does it for one principal's own policies: an explicit
 * Deny wins, then any Allow, else the implicit deny. Conditions are never evaluated: a decision that rests on
 * one is marked `conditional` (it holds only if the condition does). Permissions boundaries, SCPs and session
 * policies are out of reach here.
 */

export type Decision = "allowed" | "denied" | "implicit-deny";

export interface MatchedStatement {
  source: string;
  sid?: string;
  effect: Effect;
  /** It has a Condition, or matched only through a policy variable: not evaluated. */
  conditional: boolean;
}

export interface Evaluation {
  decision: Decision;
  /** The decision holds only if a condition (or policy variable) hpiam did not evaluate holds. */
  conditional: boolean;
  statements: MatchedStatement[];
}

/** Is `action` on `resource` allowed by these identity policies? */
export function evaluate(policies: readonly PolicyDocument[], action: string, resource: string): Evaluation {
  return decide(
    policies.flatMap((policy) =>
      policy.statements.flatMap((statement) => {
        if (!actionApplies(statement, action)) return [];
        const onResource = resourceApplies(statement, resource);
        return onResource.applies ? [matched(policy, statement, onResource.variable)] : [];
      }),
    ),
  );
}

/** Does this trust policy let the AWS service (`sagemaker.amazonaws.com`) perform `action` (AssumeRole)? */
export function trusts(
  policies: readonly PolicyDocument[],
  service: string,
  action = "sts:AssumeRole",
): Evaluation {
  return decide(
    policies.flatMap((policy) =>
      policy.statements.flatMap((statement) =>
        actionApplies(statement, action) && principalApplies(statement, "Service", service)
          ? [matched(policy, statement, false)]
          : [],
      ),
    ),
  );
}

function decide(statements: MatchedStatement[]): Evaluation {
  const denies = statements.filter((s) => s.effect === "Deny");
  const allows = statements.filter((s) => s.effect === "Allow");
  if (denies.length > 0) {
    return { decision: "denied", conditional: denies.every((s) => s.conditional), statements };
  }
  if (allows.length > 0) {
    return { decision: "allowed", conditional: allows.every((s) => s.conditional), statements };
  }
  return { decision: "implicit-deny", conditional: false, statements };
}

function matched(policy: PolicyDocument, statement: Statement, variable: boolean): MatchedStatement {
  return {
    source: policy.source,
    ...(statement.sid ? { sid: statement.sid } : {}),
    effect: statement.effect,
    conditional: variable || statement.condition !== undefined,
  };
}

function actionApplies(statement: Statement, action: string): boolean {
  if (statement.action) return matchAnyAction(statement.action, action);
  return !matchAnyAction(statement.notAction ?? [], action);
}

function resourceApplies(statement: Statement, resource: string): { applies: boolean; variable: boolean } {
  if (statement.resource) {
    const match = matchAnyResource(statement.resource, resource);
    return { applies: match.matches, variable: match.variable };
  }
  if (statement.notResource) {
    const excluded = statement.notResource.map((pattern) => matchResource(pattern, resource));
    if (excluded.some((m) => m.matches && !m.variable)) return { applies: false, variable: false };
    // Excluded only through a policy variable: whether it applies depends on the variable's value.
    return { applies: true, variable: excluded.some((m) => m.matches) };
  }
  return { applies: false, variable: false }; // an identity statement needs a Resource or NotResource
}

function principalApplies(statement: Statement, kind: string, name: string): boolean {
  const names = (map: Record<string, string[]> | undefined) => [
    ...(map?.["*"] ?? []),
    ...(map?.[kind] ?? []),
  ];
  const listed = (map: Record<string, string[]> | undefined) =>
    names(map).some((pattern) => pattern === "*" || pattern.toLowerCase() === name.toLowerCase());
  if (statement.principal) return listed(statement.principal);
  if (statement.notPrincipal) return !listed(statement.notPrincipal);
  return false;
}
