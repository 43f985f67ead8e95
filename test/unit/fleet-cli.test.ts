import { describe, expect, it } from "vitest";
import type { RunResult } from "../../src/context";
import { POLICY_NAMES } from "../../src/iam/model/policy-catalog";
import { runHpiamInProcess } from "../support/cli";
import { fakeContext } from "../support/fake-context";
import { recoverDocument } from "../support/fleet-documents";

const done = (stdout: string): RunResult => ({ exitCode: 0, stdout, stderr: "", timedOut: false });

/** A Slurm head node whose two nodes each plan to move their own ~/.aws aside; a person answers `answer`. */
function headNode(answer: boolean) {
  return fakeContext({
    uid: 0,
    interactive: true,
    answers: [answer],
    exec: {
      which: async (command) => `/usr/bin/${command}`,
      run: async (argv) => {
        const line = argv.join(" ");
        if (line === "scontrol show node -o")
          return done("NodeName=n1 State=IDLE Partitions=main\nNodeName=n2 State=IDLE Partitions=main");
        if (line.startsWith("scontrol show hostnames")) return done("n1\nn2");
        if (line.startsWith("scontrol show hostlist")) return done("n[1-2]");
        if (!argv.includes("srun")) return done("");
        const plan = (rank: number) =>
          JSON.stringify(recoverDocument("planned", `/home/n${rank + 1}/.aws`), null, 2)
            .split("\n")
            .map((text) => `${rank}: ${text}`)
            .join("\n");
        return done(`${plan(0)}\n${plan(1)}`);
      },
    },
  });
}

describe("hpiam fleet recover at a terminal", () => {
  it("shows the plan as what this run will do, and a no is one line, exit 2, the plan not printed again", async () => {
    const result = await runHpiamInProcess(["fleet", "recover", "--nodes", "n[1-2]"], headNode(false));
    expect(result.stderr).toMatch(/^hpiam fleet recover will:\n\n. n1 +planned/);
    expect(result.stderr).toContain("• planned  2 nodes");
    expect(result.stderr).not.toContain("--dry-run");
    expect(result.stdout).toBe("– refused  nothing changed\n");
    expect(result.exitCode).toBe(2);
  });
});

describe("fleet's help and errors", () => {
  it("fleet recover --help says --nodes is required; whoami's says the default", async () => {
    const recover = await runHpiamInProcess(["fleet", "recover", "--help"], fakeContext());
    expect(recover.stdout.replace(/\s+/g, " ")).toMatch(/--nodes <list> .*instance ids\); required/);
    expect(recover.stdout).not.toContain("default: every node");
    const whoami = await runHpiamInProcess(["fleet", "whoami", "--help"], fakeContext());
    expect(whoami.stdout.replace(/\s+/g, " ")).toContain("default: every node");
  });

  it("policy --help names every policy there is, fleet-admin among them", async () => {
    const help = (await runHpiamInProcess(["policy", "--help"], fakeContext())).stdout.replace(/\s+/g, " ");
    for (const name of POLICY_NAMES) expect(help).toContain(name);
  });

  it.each([
    [["fleet", "whoami", "--timeout", "soon"]],
    [["fleet", "whoami", "--rate", "3"]],
    [["fleet", "whoami", "--cluster", "ml-cluster", "--partition", "dev"]],
    [["fleet", "whoami", "--cluster", "ml-cluster", "--hpiam", "/fsx/hp iam"]],
    [["fleet", "whoami", "--cluster", "ml-cluster", "--rate", "fast"]],
    [["fleet", "whoami", "--cluster", "ml-cluster", "--concurrency", "0"]],
    [["fleet", "whoami", "--cluster", "ml-cluster", "--group", "a b"]],
    [["fleet", "recover"]],
  ])("%j --json: an error document with a hint", async (argv) => {
    const result = await runHpiamInProcess([...argv, "--json"], fakeContext());
    expect(result.exitCode).toBe(2);
    expect(result.json).toMatchObject({
      schemaVersion: 1,
      error: { code: "usage", message: expect.any(String), hint: expect.stringMatching(/\S/) },
    });
  });
});
