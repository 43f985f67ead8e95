import { execa } from "execa";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
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

/**
 * Who `bash -ic 'aws sts get-caller-identity'` signs as, in this node's environment, or what aws says instead
 * (`-lc`: a login shell, whose /etc/profile sets its own PATH: the node's aws is named by its path).
 */
async function bashSignsAs(node: SimulatedNode, shell = "-ic"): Promise<string> {
  const which = await execa("sh", ["-c", "command -v aws"], { env: node.env, extendEnv: false });
  const argv = ["bash", shell, `${which.stdout} sts get-caller-identity --query Arn --output text 2>&1`];
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

describe("a profile variable a new shell exports: its aws stops, or signs with other keys", () => {
  const node = useSimulatedNode();

  it("`export AWS_PROFILE=dev` in ~/.profile with no [dev] anywhere fails environment, and recover says so", async () => {
    const { home } = node.sandbox;
    await writeUbuntuSkel(home);
    const profile = join(home, ".profile");
    await writeFile(profile, "export AWS_PROFILE=dev\n", { flag: "a" });
    const line = (await readFile(profile, "utf8")).trimEnd().split("\n").length;
    // What every new login shell's aws does, and what this process's own chain does not.
    expect(await bashSignsAs(node, "-lc")).toContain("The config profile (dev) could not be found");
    expect((await node.hpiam(["whoami"])).exitCode).toBe(0);

    const report = await diagnose(node);
    expect(report.exitCode).toBe(1);
    expect(report.doc.summary.status).toBe("unhealthy");
    expect(report.check("environment")).toMatchObject({
      status: "fail",
      message: `AWS_PROFILE at ${profile}:${line} — new shells stop with: The config profile (dev) could not be found`,
      remediation: `sed -i -e '${line}d' ${profile}`,
    });

    const plan = await node.hpiam(["recover", "--dry-run", "--json"]);
    const planned = JSON.parse(plan.stdout) as RecoverResult;
    expect(planned.result).toBe("planned");
    expect(planned.manual).toContainEqual(
      expect.objectContaining({
        kind: "startup-file",
        path: profile,
        newShell: {
          status: "broken",
          reason: "new shells stop with: The config profile (dev) could not be found",
        },
      }),
    );
    const human = await node.hpiam(["recover", "--dry-run"]);
    expect(human.stdout).toMatch(/new shells stop with: The config profile \(dev\) could not be found/);

    const run = await node.hpiam(["recover", "--yes", "--no-reboot", "--json"]);
    expect(run.exitCode).toBe(1);
    const result = JSON.parse(run.stdout) as RecoverResult;
    expect(result.result).toBe("failed");
    expect(result.reason).toMatch(/new shells stop with: The config profile \(dev\) could not be found/);

    await execa("sh", ["-c", `sed -i -e '${line}d' ${profile}`]);
    expect(await bashSignsAs(node, "-lc")).toContain(`assumed-role/${EXECUTION_ROLE}/SageMaker`);
    expect((await diagnose(node, ["--checks", "environment"])).exitCode).toBe(0);
    const after = await node.hpiam(["recover", "--yes", "--no-reboot", "--json"]);
    expect(JSON.parse(after.stdout).result).toBe("nothing-to-do");
  });

  it("one that picks a profile with `aws configure` keys fails too; after recover moves them, new shells would stop", async () => {
    const { home } = node.sandbox;
    const { accessKeyId, secretAccessKey } = node.world.leakedKey;
    await mkdir(join(home, ".aws"), { recursive: true });
    await writeFile(
      join(home, ".aws", "credentials"),
      `[dev]\naws_access_key_id = ${accessKeyId}\naws_secret_access_key = ${secretAccessKey}\n`,
    );
    const profile = join(home, ".profile");
    await writeFile(profile, "export AWS_PROFILE=dev\n");
    expect(await bashSignsAs(node, "-lc")).toContain(`user/${LEAKED_USER}`);

    const report = await diagnose(node, ["--checks", "environment"]);
    expect(report.check("environment")).toMatchObject({
      status: "fail",
      message: expect.stringMatching(
        /— new shells sign with static keys in .*\/\.aws\/credentials \[dev\], not the instance profile$/,
      ),
    });

    const run = await node.hpiam(["recover", "--yes", "--no-reboot", "--json"]);
    const result = JSON.parse(run.stdout) as RecoverResult;
    expect(run.exitCode).toBe(1);
    expect(result.result).toBe("failed");
    expect(result.reason).toMatch(/new shells stop with: The config profile \(dev\) could not be found/);
    expect(await bashSignsAs(node, "-lc")).toContain("The config profile (dev) could not be found");
    expectNoSecrets(node, report.result, run);
  });
});
