import { describe, expect, it } from "vitest";
import { runHpiamInProcess } from "../support/cli";
import { fakeContext, type FakeOptions } from "../support/fake-context";
import { memoryFiles, stockNode } from "../support/memory-files";

const cli = (argv: string[], options: FakeOptions) => runHpiamInProcess(argv, fakeContext(options));

describe("hpiam connect-head (argv)", () => {
  const node: FakeOptions = { files: memoryFiles(stockNode) };

  it("passes everything after -- to ssh and exits with ssh's code, printing nothing", async () => {
    const ran: string[][] = [];
    const result = await cli(["connect-head", "--", "-L", "8080:localhost:8080", "--", "hostname"], {
      ...node,
      exec: { attach: async (argv) => (ran.push([...argv]), 42) },
    });
    expect(result).toEqual({ exitCode: 42, stdout: "", stderr: "" });
    expect(ran).toEqual([["ssh", "10.1.10.10", "-L", "8080:localhost:8080", "--", "hostname"]]);
  });

  it("prints the address alone with --print, and the plan with --json", async () => {
    expect(await cli(["connect-head", "--print"], node)).toMatchObject({
      exitCode: 0,
      stdout: "10.1.10.10\n",
    });
    const json = await cli(["connect-head", "--json"], node);
    expect(JSON.parse(json.stdout)).toMatchObject({
      schemaVersion: 1,
      mode: "node",
      action: "print",
      address: "10.1.10.10",
      target: null,
      command: ["ssh", "10.1.10.10"],
    });
  });

  it.each([
    [["connect-head", "hostname"], /unexpected argument 'hostname'/],
    [["connect-head", "--ssh-config"], /--ssh-config needs --cluster/],
    [["connect-head", "--cluster", "bad name!"], /--cluster: "bad name!" is neither/],
    [["connect-head", "--print", "--", "-v"], /arguments after -- are for ssh/],
    [["connect-head", "--cluster", "c", "--ssh-config", "--print"], /do not go together/],
  ])("refuses %j with exit 2", async (argv, message) => {
    const result = await cli(argv, node);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(message);
  });
});
