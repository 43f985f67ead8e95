import { describe, expect, it } from "vitest";
import { diagnose, diagnoseExitCode } from "../../src/diagnose/diagnose";
import { whoami, whoamiExitCode } from "../../src/identity/whoami";
import type { Context } from "../../src/context";
import type { Identification } from "../../src/identity/identify";
import { renderDiagnose } from "../../src/diagnose/render-diagnose";
import { plainStyle } from "../../src/output/style";
import { environmentLink, linkWins } from "../support/chain-links";
import { fakeNode, nodeIdentity, offNode, proxiedIdentity } from "../support/fake-node";
import { RESOURCE_CONFIG } from "../support/memory-files";

const refused = { name: "Error", message: "connect ECONNREFUSED 127.0.0.1:443", networkCode: "ECONNREFUSED" };
const envKeys = { AWS_ACCESS_KEY_ID: "AKIAIOSFODNN7EXAMPLE", AWS_SECRET_ACCESS_KEY: "s" };
const fromEnv: Partial<Identification> = {
  chain: linkWins(environmentLink),
  credentials: { accessKeyId: "AKIAIOSFODNN7EXAMPLE", hasSessionToken: false },
  identity: { account: "123456789012", arn: "arn:aws:iam::123456789012:user/alice", userId: "AIDAEXAMPLE" },
};

/** whoami's and diagnose's answers on the same node. */
async function bothOn(ctx: Context) {
  const [who, report] = await Promise.all([whoami({}, ctx), diagnose({}, ctx)]);
  return {
    verdict: who.verdict.status,
    whoami: whoamiExitCode(who),
    summary: report.summary.status,
    diagnose: diagnoseExitCode(report),
    check: (id: string) => report.checks.find((check) => check.id === id),
  };
}

describe("one summary rule: whoami and diagnose give one answer on the same facts", () => {
  it("STS refusing connections could not decide in either: `unknown`, exit 3", async () => {
    const answer = await bothOn(
      fakeNode({ identification: { ...nodeIdentity, identity: undefined, stsError: refused } }),
    );
    expect(answer).toMatchObject({ verdict: "unknown", whoami: 3, summary: "unknown", diagnose: 3 });
    expect(answer.check("caller-identity")).toMatchObject({
      status: "error",
      message: "the AWS endpoint could not be reached",
    });
  });

  it("a throttled STS decides nothing either: exit 3, not a warning that passes for healthy", async () => {
    const throttled = {
      ...nodeIdentity,
      identity: undefined,
      stsError: { name: "Throttling", message: "slow" },
    };
    expect(await bothOn(fakeNode({ identification: throttled }))).toMatchObject({ whoami: 3, diagnose: 3 });
  });

  it("keys that win from the environment are overridden in both, STS answering or not: exit 1", async () => {
    const unanswered = { ...fromEnv, identity: undefined, stsError: refused };
    expect(await bothOn(fakeNode({ env: envKeys, identification: unanswered }))).toMatchObject({
      verdict: "overridden",
      whoami: 1,
      diagnose: 1,
    });
  });

  it("instance-profile keys STS refuses are broken in both: exit 1", async () => {
    const expired = {
      ...nodeIdentity,
      identity: undefined,
      stsError: { name: "ExpiredToken", message: "expired", httpStatus: 403 },
    };
    const answer = await bothOn(fakeNode({ identification: expired }));
    expect(answer).toMatchObject({ verdict: "broken", whoami: 1, summary: "unhealthy", diagnose: 1 });
  });

  it("as root, IMDS keys of a role IMDS does not list are a mismatch in both: exit 1", async () => {
    const answer = await bothOn(fakeNode({ identification: proxiedIdentity, uid: 0 }));
    expect(answer).toMatchObject({ verdict: "mismatch", whoami: 1, diagnose: 1 });
    expect(answer.check("credential-source")?.status).toBe("fail");
  });

  it("whoami's `unknown` is exit 3 whatever made it so: no IMDS to compare keys from the environment with", async () => {
    const ctx = fakeNode(
      { ...offNode, env: envKeys, identification: fromEnv },
      { [RESOURCE_CONFIG]: undefined },
    );
    const result = await whoami({}, ctx);
    expect(result.verdict.status).toBe("unknown");
    expect(whoamiExitCode(result)).toBe(3);
  });
});

describe("a diagnose where no check decided anything", () => {
  it("is unknown, exit 3, and says so: not `✔ healthy 3 skip`", async () => {
    const result = await diagnose(
      { checks: "root-credentials,other-users,imds-proxy" },
      fakeNode({ uid: 1000 }),
    );
    expect(result.checks.map((check) => check.status)).toEqual(["skip", "skip", "skip"]);
    expect(result.summary.status).toBe("unknown");
    expect(diagnoseExitCode(result)).toBe(3);
    const text = renderDiagnose(result, plainStyle);
    expect(text.trimEnd().split("\n").at(-1)).toBe("? unknown  3 skip: no check decided anything");
  });

  it("stays healthy with warnings and skips beside a pass", async () => {
    const result = await diagnose({ checks: "hyperpod-node,root-credentials" }, fakeNode({ uid: 1000 }));
    expect(result.summary).toMatchObject({ status: "healthy", pass: 1, skip: 1 });
    expect(diagnoseExitCode(result)).toBe(0);
  });
});
