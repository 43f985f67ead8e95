import { execa } from "execa";
import { readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { RecoverResult } from "../../src/recover/types";
import { EXECUTION_ROLE, LEAKED_USER } from "../support/aws-world";
import { diagnose } from "../support/diagnose-report";
import { bashLoginExports, withSandboxEtc, writeUbuntuSkel } from "../support/login-shell";
import { expectNoSecrets, type SimulatedNode, useSimulatedNode } from "../support/simulated-node";

/** The forms of issue 13 that a pattern for `export` at a line's start missed: file, then its text. */
const FORMS: ReadonlyArray<
  readonly [name: string, file: string, text: (id: string, secret: string) => string]
> = [
  [
    "several names in one export",
    ".bashrc",
    (id, s) => `export AWS_DEFAULT_REGION=us-west-2 AWS_ACCESS_KEY_ID=${id} AWS_SECRET_ACCESS_KEY=${s}`,
  ],
  [
    "an && list",
    ".bashrc",
    (id, s) => `[ -n "$HOME" ] && export AWS_ACCESS_KEY_ID=${id} AWS_SECRET_ACCESS_KEY=${s}`,
  ],
  [
    "if true; then … fi",
    ".bashrc",
    (id, s) => `if true; then export AWS_ACCESS_KEY_ID=${id} AWS_SECRET_ACCESS_KEY=${s}; fi`,
  ],
  [
    "declare -gx and typeset -x",
    ".bashrc",
    (id, s) => `declare -gx AWS_ACCESS_KEY_ID=${id}; typeset -x AWS_SECRET_ACCESS_KEY=${s}`,
  ],
  [
    "~/.bash_aliases",
    ".bash_aliases",
    (id, s) => `export AWS_ACCESS_KEY_ID=${id}\nexport AWS_SECRET_ACCESS_KEY=${s}`,
  ],
];

/** Who `bash -ic 'aws sts get-caller-identity'` signs as, in this node's environment. */
async function bashSignsAs(node: SimulatedNode): Promise<string> {
  const argv = ["bash", "-ic", "aws sts get-caller-identity --query Arn --output text"];
  const run = await execa(...withSandboxEtc(node.sandbox.etc, argv), {
    env: node.env,
    extendEnv: false,
    reject: false,
    stdin: "ignore",
  });
  return run.stdout.trim();
}

describe("exports that bash runs fail diagnose and recover, and their removal command works", () => {
  const node = useSimulatedNode();

  it.each(FORMS)("%s", async (_name, file, text) => {
    const { home, etc } = node.sandbox;
    await writeUbuntuSkel(home);
    const { accessKeyId, secretAccessKey } = node.world.leakedKey;
    const path = join(home, file);
    await writeFile(path, `# added by hand\n${text(accessKeyId, secretAccessKey)}\n`, { flag: "a" });
    expect(await bashSignsAs(node)).toContain(`user/${LEAKED_USER}`);

    const before = await diagnose(node, ["--checks", "environment"]);
    expect(before.exitCode).toBe(1);
    expect(before.check("environment")).toMatchObject({ status: "fail" });
    expect(before.check("environment").message).toMatch(new RegExp(`AWS_ACCESS_KEY_ID at ${path}:\\d+`));

    const recover = await node.hpiam(["recover", "--yes", "--no-reboot", "--json"]);
    expect(recover.exitCode).toBe(1);
    const doc = JSON.parse(recover.stdout) as RecoverResult;
    expect(doc.result).toBe("failed");
    const fixes = doc.manual.filter((fix) => fix.kind === "startup-file");
    expect(fixes.map((fix) => fix.path)).toEqual([path]);
    const human = await node.hpiam(["recover", "--dry-run"]);
    expect(human.stdout).toMatch(new RegExp(`${path}:\\d+ {2}AWS_SECRET_ACCESS_KEY=…`));
    expectNoSecrets(node, before.result, recover, human);

    for (const fix of fixes) await execa("sh", ["-c", fix.command]);
    expect(await bashLoginExports({ home, etc })).toEqual([]);
    expect(await bashSignsAs(node)).toContain(`assumed-role/${EXECUTION_ROLE}/SageMaker`);
    expect((await diagnose(node, ["--checks", "environment"])).exitCode).toBe(0);
    const again = await node.hpiam(["recover", "--yes", "--no-reboot"]);
    expect(again.exitCode).toBe(0);
    await Promise.all(
      [".profile", ".bashrc", ".bash_aliases"].map((name) => rm(join(home, name), { force: true })),
    );
  });

  it("a startup form hpiam cannot decide makes diagnose unknown (exit 3), never healthy", async () => {
    const { home } = node.sandbox;
    await writeUbuntuSkel(home);
    const { accessKeyId, secretAccessKey } = node.world.leakedKey;
    await writeFile(
      join(home, ".aws.env"),
      `AWS_ACCESS_KEY_ID=${accessKeyId}\nAWS_SECRET_ACCESS_KEY=${secretAccessKey}\n`,
    );
    const line = "export $(grep -v '^#' ~/.aws.env | xargs)";
    await writeFile(join(home, ".bashrc"), `${line}\n`, { flag: "a" });
    expect(await bashSignsAs(node)).toContain(`user/${LEAKED_USER}`);
    const row = (await readFile(join(home, ".bashrc"), "utf8")).split("\n").indexOf(line) + 1;

    const report = await diagnose(node, ["--checks", "environment"]);
    expect(report.exitCode).toBe(3);
    expect(report.doc.summary.status).toBe("unknown");
    expect(report.check("environment")).toMatchObject({
      status: "error",
      message: expect.stringContaining(`cannot tell what ${join(home, ".bashrc")}:${row} exports`),
    });
    expectNoSecrets(node, report.result);
    await Promise.all(
      [".profile", ".bashrc", ".aws.env"].map((name) => rm(join(home, name), { force: true })),
    );
  });
});
