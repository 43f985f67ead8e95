import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { EXECUTION_ROLE } from "../support/aws-world";
import { diagnoseReport, expectOneLineChecks } from "../support/diagnose-report";
import { expectCalm, expectOneLineError, useSimulatedNode } from "../support/simulated-node";
import { treeSnapshot } from "../support/tree-snapshot";

// A hostile node whose HyperPod files are far too large (the other hostile cases: hostile-*.test.ts). Every case
// ends in its documented exit code, a message of one line (and a hint), no stack trace, no secret, and nothing
// changed outside the folder the command is about.

const FIXTURES = fileURLToPath(new URL("../fixtures/hyperpod/", import.meta.url));

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

describe("node files far too large to be HyperPod's", () => {
  const node = useSimulatedNode();
  const FIFTY_MB = 50 * 1024 * 1024;
  let bigResource: string;
  let bigParams: string;

  /** A node folder whose `huge` file is its fixture followed by spaces up to 50 MB: still valid JSON. */
  async function nodeFolder(name: string, huge: string): Promise<string> {
    const dir = join(node.sandbox.root, name);
    await mkdir(dir, { recursive: true });
    for (const file of ["resource_config.json", "provisioning_parameters.json"]) {
      const content = await readFile(join(FIXTURES, file));
      const padded =
        file === huge ? Buffer.concat([content, Buffer.alloc(FIFTY_MB - content.length, " ")]) : content;
      await writeFile(join(dir, file), padded);
    }
    return join(dir, "resource_config.json");
  }

  beforeAll(async () => {
    bigResource = await nodeFolder("big-resource", "resource_config.json");
    bigParams = await nodeFolder("big-params", "provisioning_parameters.json");
  });
  /** Which file is huge, the resource_config to point hpiam at, and the file the message must name. */
  const HUGE: Array<[string, () => string, () => string]> = [
    ["resource_config.json", () => bigResource, () => bigResource],
    [
      "provisioning_parameters.json",
      () => bigParams,
      () => join(bigParams, "..", "provisioning_parameters.json"),
    ],
  ];

  it.each(HUGE)(
    "diagnose fails the hyperpod-node check on a 50 MB %s and still reports",
    async (_name, config, file) => {
      const before = await treeSnapshot(join(config(), ".."));
      const result = await node.hpiam(["diagnose", "--json", "--resource-config", config()]);
      expectCalm(node, result);
      expect(result.exitCode).toBe(1);
      const { doc, check } = diagnoseReport(result);
      expectOneLineChecks(doc);
      expect(doc.summary.status).toBe("unhealthy");
      expect(check("hyperpod-node")).toMatchObject({
        status: "fail",
        message: `${file()} is too large to be a HyperPod file (over 16 MB)`,
        remediation: expect.stringContaining("another node's copy"),
      });
      // The rest of the report is still there: the identity is the node's role.
      expect(check("caller-identity")).toMatchObject({ status: "pass" });
      expect(check("caller-identity").message).toContain(`assumed-role/${EXECUTION_ROLE}/SageMaker`);
      expect(await treeSnapshot(join(config(), ".."))).toEqual(before);
    },
  );

  it.each(HUGE)(
    "connect-head --print exits 3 naming the 50 MB %s, and runs no ssh",
    async (_name, config, file) => {
      const calls = (await node.sandbox.calls()).length;
      const result = await node.hpiam(["connect-head", "--print"], { HPIAM_RESOURCE_CONFIG: config() });
      expectOneLineError(
        node,
        result,
        3,
        new RegExp(`^hpiam: ${escapeRegExp(file())} is too large to be a HyperPod file`),
      );
      expect(await node.sandbox.calls()).toHaveLength(calls);

      const json = await node.hpiam(["connect-head", "--print", "--json", "--resource-config", config()]);
      expect(json.exitCode).toBe(3);
      expect(JSON.parse(json.stdout).error).toMatchObject({ code: "bad-node-file" });
    },
  );
});
