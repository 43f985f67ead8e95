import { describe, expect, it } from "vitest";
import { connectHead } from "../../src/connect/connect-head";
import { failure, fakeContext, type FakeOptions } from "../support/fake-context";
import { hyperpodFixture as fixture } from "../support/fixtures";
import { memoryFiles, PROVISIONING_PARAMETERS, RESOURCE_CONFIG, stockNode } from "../support/memory-files";

const onNode = (files: Record<string, string>, extra: FakeOptions = {}) =>
  fakeContext({ files: memoryFiles(files), ...extra });

describe("connect-head on a node", () => {
  it("plans `ssh <controller ip>` with --print and runs nothing", async () => {
    const ctx = onNode(stockNode);
    const result = await connectHead({ print: true }, ctx);
    expect(result).toMatchObject({
      action: "print",
      mode: "node",
      address: "10.1.10.10",
      group: "controller-machine",
    });
    expect(result.command).toEqual(["ssh", "10.1.10.10"]);
    expect(ctx.ran).toEqual([]);
  });

  it("runs ssh with the arguments after -- and keeps ssh's exit code", async () => {
    const ctx = onNode(stockNode, { exec: { attach: async () => 255 } });
    const result = await connectHead({ passThrough: ["-L", "8080:localhost:8080"] }, ctx);
    expect(result).toMatchObject({ action: "connected", exitCode: 255 });
    expect(result.command).toEqual(["ssh", "10.1.10.10", "-L", "8080:localhost:8080"]);
  });

  it("finds a differently named controller group via provisioning_parameters or --group", async () => {
    const custom = {
      [RESOURCE_CONFIG]: fixture("resource_config.custom-controller.json"),
      [PROVISIONING_PARAMETERS]: fixture("provisioning_parameters.custom-controller.json"),
    };
    expect(await connectHead({ print: true }, onNode(custom))).toMatchObject({
      group: "head-nodes",
      groupFrom: "provisioning-parameters",
    });
    const withoutParams = { [RESOURCE_CONFIG]: fixture("resource_config.custom-controller.json") };
    const error = await failure(connectHead({ print: true }, onNode(withoutParams)));
    expect(error).toMatchObject({ exitCode: 3, code: "no-controller-group" });
    expect(error.message).toMatch(/no instance group "controller-machine" .*head-nodes, login-group/);
    expect(await connectHead({ print: true, group: "login-group" }, onNode(withoutParams))).toMatchObject({
      address: "10.1.20.20",
      groupFrom: "flag",
    });
  });

  it.each([
    [{}, "not-hyperpod", /does not exist/],
    [{ [RESOURCE_CONFIG]: "{ truncated" }, "bad-node-file", /not valid JSON/],
    [{ [RESOURCE_CONFIG]: '{"InstanceGroups": []}' }, "no-controller-group", /its groups: none/],
    [
      { [RESOURCE_CONFIG]: '{"InstanceGroups": [{"Name": "controller-machine"}]}' },
      "no-head-node",
      /has no instances/,
    ],
  ])("fails with exit 3 and says why for %j", async (files, code, message) => {
    const error = await failure(connectHead({ print: true }, onNode(files)));
    expect(error).toMatchObject({ exitCode: 3, code });
    expect(error.message).toMatch(message);
  });

  it("reads a root-only resource_config through `sudo -n cat`", async () => {
    const ctx = fakeContext({
      files: { readText: async () => Promise.reject(Object.assign(new Error("EACCES"), { code: "EACCES" })) },
      exec: {
        run: async (argv) => ({
          exitCode: argv.includes(RESOURCE_CONFIG) ? 0 : 1,
          stdout: argv.includes(RESOURCE_CONFIG) ? fixture("resource_config.json") : "",
          stderr: "",
          timedOut: false,
        }),
      },
    });
    expect((await connectHead({ print: true }, ctx)).address).toBe("10.1.10.10");
  });
});
