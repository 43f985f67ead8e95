import { describe, expect, it } from "vitest";
import type { Principal } from "../../src/identity/model/arn";
import type { CredentialSource } from "../../src/identity/model/credential-source";
import { chainErrors } from "../../src/identity/model/chain-errors";
import { judge } from "../../src/identity/model/verdict";
import { judgeIdentification } from "../../src/identity/identify";
import { whoamiDocument, whoamiExitCode } from "../../src/identity/whoami";

const node = { reachable: true, roleName: "ExecRole" };
const offEc2 = { reachable: false };
const fromImds: CredentialSource = {
  provider: "instance-metadata",
  method: "iam-role",
  accessKeyId: "ASIA…0001",
  local: false,
  longTerm: false,
};
const fromFile: CredentialSource = {
  provider: "shared-credentials-file",
  method: "shared-credentials-file",
  profile: "default",
  path: "/home/ubuntu/.aws/credentials",
  accessKeyId: "AKIA…0002",
  local: true,
  longTerm: true,
};
const role: Principal = { type: "assumed-role", name: "ExecRole", sessionName: "SageMaker" };
const user: Principal = { type: "iam-user", name: "alice" };

describe("judge", () => {
  it("calls a chain botocore stops on broken, with the AWS CLI's message and the fix", () => {
    const verdict = judge({
      broken: chainErrors.partial("env", "AWS_SECRET_ACCESS_KEY"),
      instanceProfile: node,
    });
    expect(verdict).toMatchObject({
      status: "broken",
      reason:
        "boto3 and the AWS CLI stop with: Partial credentials found in env, missing: AWS_SECRET_ACCESS_KEY",
      fix: "unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN",
    });
  });

  it("is healthy when the instance profile role is in use", () => {
    expect(judge({ source: fromImds, principal: role, instanceProfile: node })).toMatchObject({
      status: "healthy",
      expectedRole: "ExecRole",
      expectedFrom: "instance-profile",
    });
  });

  it("names the file that overrides the instance profile, and the fix", () => {
    const verdict = judge({ source: fromFile, principal: user, instanceProfile: node });
    expect(verdict.status).toBe("overridden");
    expect(verdict.reason).toContain("/home/ubuntu/.aws/credentials [default]");
    expect(verdict.fix).toBe("hpiam recover");
  });

  it("still calls a local key an override when STS rejects it (a deactivated key)", () => {
    expect(judge({ source: fromFile, instanceProfile: node }).status).toBe("overridden");
  });

  it("cannot judge off EC2 without an expectation", () => {
    expect(judge({ source: fromFile, principal: user, instanceProfile: offEc2 }).status).toBe("unknown");
  });

  it("uses --expect-role off EC2", () => {
    const verdict = judge({
      source: fromFile,
      principal: role,
      instanceProfile: offEc2,
      expectRole: { name: "ExecRole" },
    });
    expect(verdict).toMatchObject({ status: "healthy", expectedFrom: "expect-role" });
  });

  it("checks the account of an --expect-role ARN", () => {
    const expectRole = { name: "ExecRole", account: "999999999999" };
    expect(
      judge({
        source: fromImds,
        principal: role,
        account: "123456789012",
        instanceProfile: node,
        expectRole,
      }),
    ).toMatchObject({ status: "mismatch" });
  });

  it("reports a platform role that is not the expected one as a mismatch, not an override", () => {
    const verdict = judge({
      source: fromImds,
      principal: { type: "assumed-role", name: "Other", sessionName: "s" },
      instanceProfile: node,
      expectRole: { name: "ExecRole" },
    });
    expect(verdict.status).toBe("mismatch");
  });

  it("takes the role a local IMDS proxy serves a non-root user under another name for the expected one", () => {
    const downgraded: Principal = {
      type: "assumed-role",
      name: "ImdsProxyTestRole",
      sessionName: "test-session",
    };
    const listed = { reachable: true, roleName: "ImdsProxyRole" };
    expect(
      judge({ source: fromImds, principal: downgraded, instanceProfile: listed, nonRoot: true }),
    ).toEqual({
      status: "healthy",
      reason:
        "using ImdsProxyTestRole, the downgraded role a local IMDS proxy serves non-root users (it lists ImdsProxyRole)",
      expectedRole: "ImdsProxyTestRole",
      expectedFrom: "imds-proxy",
    });
    // Root bypasses the proxy, --expect-role is the admin's word, and local keys are never the proxy's.
    expect(judge({ source: fromImds, principal: downgraded, instanceProfile: listed }).status).toBe(
      "mismatch",
    );
    const expectRole = { name: "ImdsProxyRole" };
    expect(
      judge({ source: fromImds, principal: downgraded, instanceProfile: listed, nonRoot: true, expectRole })
        .status,
    ).toBe("mismatch");
    expect(
      judge({ source: fromFile, principal: downgraded, instanceProfile: listed, nonRoot: true }).status,
    ).toBe("overridden");
  });

  it("says so when there are no credentials", () => {
    expect(judge({ instanceProfile: offEc2 }).status).toBe("no-credentials");
  });
});

describe("a chain setting hpiam cannot evaluate", () => {
  it("is unknown with why, never healthy, and whoami exits 3", () => {
    const report = judgeIdentification(
      {
        chain: {
          kind: "undecided",
          undecided: { setting: "AWS_CREDENTIAL_EXPIRATION", why: "dateutil reads it" },
          profile: { name: "default" },
        },
        region: "us-west-2",
      },
      node,
      {},
      {},
    );
    expect(report).toMatchObject({
      identity: null,
      chainError: null,
      verdict: { status: "unknown", reason: expect.stringContaining("AWS_CREDENTIAL_EXPIRATION") as string },
    });
    expect(whoamiExitCode(whoamiDocument(report))).toBe(3);
  });
});
