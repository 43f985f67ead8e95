import { describe, expect, it } from "vitest";
import { fleetSurvey } from "../../src/fleet/fleet";
import { renderFleet } from "../../src/fleet/render-fleet";
import { plainStyle } from "../../src/output/style";
import { fakeContext } from "../support/fake-context";
import { scriptedEngine } from "../support/fleet-engine";

const style = plainStyle;

/** A node's diagnose: healthy, its aws-files check warning (or not) that a reboot is still due. */
function diagnosed(rebootDueSince?: string) {
  return {
    schemaVersion: 1,
    summary: { status: "healthy", pass: 0, warn: rebootDueSince ? 1 : 0, fail: 0, skip: 0, error: 0 },
    checks: [
      {
        id: "aws-files",
        title: "AWS shared files",
        status: rebootDueSince ? "warn" : "pass",
        message: rebootDueSince
          ? `a reboot is still due: hpiam recover moved the keys aside at ${rebootDueSince}`
          : "ok",
        remediation: null,
        details: {
          dir: "/home/ubuntu/.aws",
          present: false,
          files: [],
          ...(rebootDueSince ? { rebootDueSince } : {}),
        },
      },
    ],
    node: null,
  };
}

describe("fleet diagnose with a reboot still due", () => {
  it("does not show the node as plainly healthy: its row, its cause and a line before the summary say so", async () => {
    const since = "2026-11-23T11:00:00.000Z";
    const report = await fleetSurvey(
      "diagnose",
      {},
      fakeContext(),
      scriptedEngine([{ name: "n1" }, { name: "n2" }], { n1: diagnosed(), n2: diagnosed(since) }),
    );
    expect(report.nodes[1]?.finding?.rebootDue).toBe(since);
    expect(report.groups.map((group) => [group.cause, group.nodes])).toEqual([
      ["healthy: no identity", ["n1"]],
      [`healthy: a reboot still due since ${since}`, ["n2"]],
    ]);
    const text = renderFleet(report, style);
    expect(text).toMatch(new RegExp(`^! n2 +healthy .*reboot due since ${since}$`, "m"));
    expect(text).toMatch(/^✔ n1 +healthy/m);
    expect(text).toContain("! a reboot is still due on n2: hpiam fleet recover --nodes n2 --yes queues it");
  });
});
