import { CreateRoleCommand, IAMClient, PutRolePolicyCommand } from "@aws-sdk/client-iam";
import { execa } from "execa";
import { expect } from "vitest";
import { motoAdmin } from "./aws-world";
import type { CheckId } from "../../src/contract/diagnose";
import { diagnoseReport } from "./diagnose-report";
import type { RunResult } from "./cli";
import type { SimulatedNode } from "./simulated-node";

// For the e2e tests of `diagnose --iam`: roles made in moto as its administrator, and the checks' JSON.

/** moto's own credentials: an administrator, as long as moto does not enforce IAM. */
export const ADMIN = { AWS_ACCESS_KEY_ID: "testing", AWS_SECRET_ACCESS_KEY: "testing" };

/** An IAM client signed as moto's administrator; the caller destroys it. */
export function iam(node: SimulatedNode): IAMClient {
  return new IAMClient(motoAdmin(node.env.AWS_ENDPOINT_URL));
}

/** A role with this trust policy and this inline HyperPodExecutionPolicy. */
export async function createRole(node: SimulatedNode, name: string, trust: unknown, policy: unknown) {
  const client = iam(node);
  await client.send(
    new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: JSON.stringify(trust) }),
  );
  await client.send(
    new PutRolePolicyCommand({
      RoleName: name,
      PolicyName: "HyperPodExecutionPolicy",
      PolicyDocument: JSON.stringify(policy),
    }),
  );
  client.destroy();
}

/** A check as `diagnose --json` prints it, with the details the IAM checks add. */
export interface CheckJson {
  id: string;
  status: string;
  message: string;
  remediation: string;
  details: Record<string, unknown> & { role?: unknown; trustStatementToAdd?: unknown; policyToAdd?: unknown };
}

/** The check with this id in `diagnose --json`'s answer, typed with the IAM checks' details. */
export function check(result: RunResult, id: CheckId): CheckJson {
  return diagnoseReport(result).check(id) as CheckJson;
}

/** Runs a remediation as the admin would: through the shell, with the admin's keys. */
export async function apply(node: SimulatedNode, command: string) {
  const result = await execa("sh", ["-c", command], {
    env: { ...node.env, ...ADMIN },
    extendEnv: false,
    reject: false,
  });
  expect(result.stderr).toBe("");
  expect(result.exitCode).toBe(0);
}
