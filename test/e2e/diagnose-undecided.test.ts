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
