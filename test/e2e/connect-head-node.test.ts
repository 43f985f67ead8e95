import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectOneLineError, type SimulatedNode, startSimulatedNode } from "../support/simulated-node";

const FIXTURES = fileURLToPath(new URL("../fixtures/hyperpod/", import.meta.url));

describe("hpiam connect-head on a simulated HyperPod node", () => {
  let node: SimulatedNode;
  beforeAll(async () => {
    node = await startSimulatedNode();
  });
  afterAll(async () => {
    await node?.stop();
  });

  /** A node folder of its own holding these fixture files (as resource_config.json / provisioning_parameters.json). */
  async function nodeFiles(name: string, files: Record<string, string>): Promise<string> {
    const dir = join(node.sandbox.root, name);
    await mkdir(dir, { recursive: true });
    for (const [target, content] of Object.entries(files)) await writeFile(join(dir, target), content);
    return join(dir, "resource_config.json");
  }
  const fixture = (name: string) => readFile(join(FIXTURES, name), "utf8");

  it("--print prints the controller's address alone, for ssh $(hpiam connect-head --print)", async () => {
    const result = await node.hpiam(["connect-head", "--print"]);
    expect(result).toMatchObject({ exitCode: 0, stdout: "10.1.10.10", stderr: "" });
  });

  it("runs `ssh <ip>` with the arguments after -- and exits with ssh's code", async () => {
    const before = (await node.sandbox.calls()).length;
    const result = await node.hpiam(["connect-head", "--", "-L", "8080:localhost:8080"], {
      STUB_SSH_EXIT: "7",
    });
    expect(result).toMatchObject({ exitCode: 7, stdout: "" });
    const calls = (await node.sandbox.calls()).slice(before);
    expect(calls).toEqual([{ command: "ssh", args: ["10.1.10.10", "-L", "8080:localhost:8080"] }]);
  });

  it("--json prints the plan and connects nowhere", async () => {
    const before = (await node.sandbox.calls()).length;
    const result = await node.hpiam(["connect-head", "--json"]);
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      schemaVersion: 1,
      mode: "node",
      action: "print",
      cluster: "ml-cluster",
      group: "controller-machine",
      address: "10.1.10.10",
      command: ["ssh", "10.1.10.10"],
    });
    expect((await node.sandbox.calls()).slice(before)).toEqual([]);
  });

  it("--group finds a differently named controller group", async () => {
    const path = await nodeFiles("custom-no-params", {
      "resource_config.json": await fixture("resource_config.custom-controller.json"),
    });
    const stock = await node.hpiam(["connect-head", "--print", "--resource-config", path]);
    expectOneLineError(
      node,
      stock,
      3,
      /no instance group "controller-machine" .*its groups: head-nodes, login-group/,
    );
    expect(stock.stderr).toMatch(/--group NAME/);
    const named = await node.hpiam([
      "connect-head",
      "--print",
      "--resource-config",
      path,
      "--group",
      "login-group",
    ]);
    expect(named).toMatchObject({ exitCode: 0, stdout: "10.1.20.20" });
  });

  it("reads the controller group's real name from provisioning_parameters.json", async () => {
    const path = await nodeFiles("custom", {
      "resource_config.json": await fixture("resource_config.custom-controller.json"),
      "provisioning_parameters.json": await fixture("provisioning_parameters.custom-controller.json"),
    });
    const result = await node.hpiam(["connect-head", "--json"], { HPIAM_RESOURCE_CONFIG: path });
    expect(JSON.parse(result.stdout)).toMatchObject({
      group: "head-nodes",
      groupFrom: "provisioning-parameters",
    });
  });

  it.each([
    ["missing", null, /resource_config\.json does not exist: this does not look like a HyperPod node/],
    ["truncated", '{"InstanceGroups": [{"Name": "contr', /is not a valid HyperPod file: not valid JSON/],
    ["binary", "\u0000\u0001\u00ff", /is not a valid HyperPod file/],
    ["no groups", '{"InstanceGroups": []}', /has no instance group "controller-machine" .*its groups: none/],
    ["no instances", '{"InstanceGroups": [{"Name": "controller-machine"}]}', /has no instances/],
  ])("a %s resource_config is one line and exit 3", async (name, content, message) => {
    const path =
      content === null
        ? join(node.sandbox.root, "nowhere", "resource_config.json")
        : await nodeFiles(`bad-${name.replace(" ", "-")}`, { "resource_config.json": content });
    expectOneLineError(node, await node.hpiam(["connect-head", "--resource-config", path]), 3, message);
  });

  it.each([
    ["empty", "", /provisioning_parameters\.json is not a valid HyperPod file: the file is empty/],
    ["truncated", '{"controller_group": "head', /provisioning_parameters\.json .*: not valid JSON/],
    ["binary", "\u0000\u0001\u00ff", /provisioning_parameters\.json is not a valid HyperPod file/],
    ["wrongly typed", '{"controller_group": 7}', /provisioning_parameters\.json .*controller_group/],
  ])(
    "a %s provisioning_parameters is one line and exit 3, not a guessed group",
    async (name, content, message) => {
      const path = await nodeFiles(`bad-params-${name.replace(" ", "-")}`, {
        "resource_config.json": await fixture("resource_config.json"),
        "provisioning_parameters.json": content,
      });
      expectOneLineError(node, await node.hpiam(["connect-head", "--resource-config", path]), 3, message);
    },
  );
});
