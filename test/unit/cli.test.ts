import { credentialsFileLink, linkWins } from "../support/chain-links";
import { describe, expect, it } from "vitest";
import { runHpiamInProcess } from "../support/cli";
import { fakeContext, type FakeOptions, HEALTHY_NODE } from "../support/fake-context";

const run = (
  argv: string[],
  options: FakeOptions = HEALTHY_NODE,
  env: Record<string, string> = {},
  isTTY = false,
) => runHpiamInProcess(argv, fakeContext(options), { env, isTTY });

const ESC = "\u001b[";

describe("runCli", () => {
  it("prints only one JSON document on stdout with --json", async () => {
    const result = await run(["whoami", "--json"]);
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(result.stdout).verdict.status).toBe("healthy");
    expect(result.stderr).toBe("");
  });

  it.each([
    ["a terminal", [], {}, true, true],
    ["a pipe", [], {}, false, false],
    ["--no-color on a terminal", ["--no-color"], {}, true, false],
    ["NO_COLOR on a terminal", [], { NO_COLOR: "1" }, true, false],
    ["FORCE_COLOR into a pipe", [], { FORCE_COLOR: "1" }, false, true],
    ["--no-color over FORCE_COLOR", ["--no-color"], { FORCE_COLOR: "1" }, false, false],
  ])("colours output for %s: %s", async (_what, flags, env, isTTY, coloured) => {
    const result = await run(["whoami", ...flags], HEALTHY_NODE, env, isTTY);
    expect(result.stdout.includes(ESC)).toBe(coloured);
  });

  it("fleet without a command is one line and exit 2", async () => {
    const result = await run(["fleet"]);
    expect(result.exitCode).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toBe(
      "hpiam: fleet needs a command: whoami, diagnose or recover\n  See `hpiam fleet --help`.\n",
    );
  });

  it("fleet --help says what --profile means on each engine", async () => {
    for (const command of ["whoami", "diagnose", "recover"]) {
      const help = (await run(["fleet", command, "--help"])).stdout.replace(/\s+/g, " ");
      expect(help).toContain(
        "--profile <name> Slurm: passed to every node's hpiam (that profile of the node's files counts as in use there); --cluster: this machine's profile, for the SageMaker and SSM calls (never sent to a node)",
      );
    }
    expect((await run(["whoami", "--help"])).stdout).toMatch(
      /--profile <name> +use this profile of the shared/,
    );
  });

  it("maps an overridden identity to exit 1", async () => {
    const result = await run(["whoami"], {
      ...HEALTHY_NODE,
      identification: {
        chain: linkWins(credentialsFileLink()),
        credentials: { accessKeyId: "AKIAIOSFODNN7EXAMPLE", hasSessionToken: false },
        identity: {
          account: "123456789012",
          arn: "arn:aws:iam::123456789012:user/alice",
          userId: "AIDAEXAMPLE",
        },
      },
    });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toMatch(/^✖ overridden .*credentials \[default\]/);
    expect(result.stdout).toContain("AKIA…MPLE (long-term)");
    expect(result.stdout).not.toContain("AKIAIOSFODNN7EXAMPLE");
  });

  it("prints --version", async () => {
    const result = await run(["--version"]);
    expect(result).toMatchObject({ exitCode: 0, stdout: expect.stringMatching(/^\d+\.\d+\.\d+\n$/) });
  });

  it("turns an unexpected failure into exit 3 without a stack trace", async () => {
    const ctx = fakeContext(HEALTHY_NODE);
    const result = await runHpiamInProcess(["whoami"], {
      ...ctx,
      imds: { ...ctx.imds, describe: () => Promise.reject(new Error("boom")) },
    });
    expect(result.exitCode).toBe(3);
    expect(result.stderr).toBe("hpiam: unexpected error: boom\n");
  });

  it("masks keys that a failing credential process printed, in every output", async () => {
    const keyId = "AKIAZZ3EXAMPLEKEYWXY";
    const secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzzEXAMPLEKEY";
    const process: FakeOptions = {
      identification: {
        chain: linkWins({
          method: "custom-process",
          profile: "default",
          path: "/home/ubuntu/.aws/config",
          command: `vault ${secret}`,
        }),
        credentialsError: { name: "CredentialsProviderError", message: `denied for ${keyId} ${secret}` },
      },
    };
    for (const argv of [
      ["whoami"],
      ["whoami", "--json"],
      ["whoami", "--verbose"],
      ["diagnose"],
      ["diagnose", "--json"],
    ]) {
      const result = await run(argv, process);
      expect(result.stdout, argv.join(" ")).toContain("AKIA…YWXY");
      expect(result.stdout + result.stderr, argv.join(" ")).not.toContain(secret);
      expect(result.stdout + result.stderr, argv.join(" ")).not.toContain(keyId);
    }
  });
});
