import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { diagnose } from "../support/diagnose-report";
import { type FakeImds, startScriptedEndpoint } from "../support/imds";
import { expectCalm, useSimulatedNode } from "../support/simulated-node";

describe("hpiam diagnose when STS accepts connections and never answers", () => {
  const node = useSimulatedNode();
  let silent: FakeImds;
  beforeAll(async () => {
    silent = await startScriptedEndpoint({ hang: true });
  });
  afterAll(async () => {
    await silent?.stop();
  });

  it("is unknown, not healthy: exit 3, and each check that could not decide says what to try", async () => {
    const { exitCode, doc, check, result } = await diagnose(node, [], { AWS_ENDPOINT_URL: silent.endpoint });
    expectCalm(node, result);
    expect(exitCode).toBe(3);
    expect(doc.summary).toMatchObject({ status: "unknown", fail: 0 });
    expect(doc.summary.error).toBeGreaterThan(0);
    expect(check("caller-identity").status).toBe("error");
    for (const undecided of doc.checks.filter((c) => c.status === "error")) {
      expect(undecided.remediation, undecided.id).toMatch(/\S/);
    }
  });

  it("says so in words: what could not be decided, what to try, and `? unknown` last", async () => {
    const result = await node.hpiam(["diagnose"], { AWS_ENDPOINT_URL: silent.endpoint });
    expect(result.exitCode).toBe(3);
    const blocks = result.stdout.trimEnd().split("\n\n");
    expect(blocks.at(-1)).toMatch(/^\? unknown {2}\d+ pass, .*\d+ error$/);
    const undecided = blocks.find((block) => block.startsWith("could not decide"));
    expect(undecided).toMatch(/^ {2}\? caller-identity +did not finish within 5 s/m);
    expect(undecided).toMatch(/try: check that the AWS endpoints .* answer from here/);
    expect(result.stdout).not.toMatch(/✔ healthy/);
  });
});

describe("one answer when STS refuses connections: whoami and diagnose both could not decide", () => {
  const node = useSimulatedNode();
  const closed = { AWS_ENDPOINT_URL: "http://127.0.0.1:9" };

  it("whoami `? unknown` and diagnose `? unknown`, both exit 3", async () => {
    const who = await node.hpiam(["whoami", "--json"], closed);
    expect(who.exitCode).toBe(3);
    expect(JSON.parse(who.stdout)).toMatchObject({
      verdict: { status: "unknown" },
      problem: { kind: "unreachable" },
    });
    const { exitCode, doc, check, result } = await diagnose(node, [], closed);
    expectCalm(node, result);
    expect(exitCode).toBe(3);
    expect(doc.summary).toMatchObject({ status: "unknown", fail: 0 });
    expect(check("caller-identity")).toMatchObject({
      status: "error",
      message: "the AWS endpoint could not be reached",
    });
    const human = await node.hpiam(["diagnose"], closed);
    expect(human.stdout.trimEnd().split("\n").at(-1)).toMatch(/^\? unknown /);
  });

  it("keys from the environment still override the role without STS: overridden, exit 1, in both", async () => {
    const keys = {
      ...closed,
      AWS_ACCESS_KEY_ID: node.world.leakedKey.accessKeyId,
      AWS_SECRET_ACCESS_KEY: node.world.leakedKey.secretAccessKey,
    };
    const who = await node.hpiam(["whoami", "--json"], keys);
    expect(who.exitCode).toBe(1);
    expect(JSON.parse(who.stdout).verdict.status).toBe("overridden");
    const { exitCode, check } = await diagnose(node, [], keys);
    expect(exitCode).toBe(1);
    expect(check("credential-source").status).toBe("fail");
    expect(check("caller-identity").status).toBe("error");
  });

  it("whoami's `unknown` with no IMDS to compare keys from the environment with is exit 3 too", async () => {
    const who = await node.hpiam(["whoami", "--json"], {
      AWS_EC2_METADATA_SERVICE_ENDPOINT: "http://127.0.0.1:9",
      AWS_ACCESS_KEY_ID: node.world.leakedKey.accessKeyId,
      AWS_SECRET_ACCESS_KEY: node.world.leakedKey.secretAccessKey,
    });
    expect(JSON.parse(who.stdout).verdict.status).toBe("unknown");
    expect(who.exitCode).toBe(3);
  });

  it("a report in which every check skipped is `? unknown`, exit 3, not `✔ healthy`", async () => {
    const checks = ["--checks", "root-credentials,other-users,imds-proxy"];
    const human = await node.hpiam(["diagnose", ...checks], {}, { asNobody: true });
    expect(human.exitCode).toBe(3);
    expect(human.stdout.trimEnd().split("\n").at(-1)).toBe("? unknown  3 skip: no check decided anything");
  });
});
