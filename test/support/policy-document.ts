import { type PolicyDocument, parsePolicy } from "../../src/iam/model/document";

/** The role ARN the policy tests match and evaluate against. */
export const ROLE = "arn:aws:iam::123456789012:role/HyperPodNodeRole";

/** A parsed policy of these statements; a statement the parser refuses fails the test here. */
export function policy(statement: unknown, source = "inline test"): PolicyDocument {
  const parsed = parsePolicy({ Version: "2012-10-17", Statement: statement }, source);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.policy;
}
