import { execa } from "execa";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { RecoverResult } from "../../src/recover/types";
import { EXECUTION_ROLE, LEAKED_USER } from "../support/aws-world";
import { diagnose } from "../support/diagnose-report";
import {
  bashLoginExports,
  LOGIN_SHELLS,
  newShells,
  withSandboxEtc,
  writeUbuntuSkel,
} from "../support/login-shell";
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
async function bashSignsAs(node: SimulatedNode, shell = "-ic", home = node.sandbox.home): Promise<string> {
  const which = await execa("sh", ["-c", "command -v aws"], { env: node.env, extendEnv: false });
  const argv = ["bash", shell, `${which.stdout} sts get-caller-identity --query Arn --output text 2>&1`];
  const run = await execa(...withSandboxEtc(node.sandbox.etc, argv), {
    env: { ...node.env, HOME: home },
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

// `sudo hpiam diagnose --all-users` and `recover --all-users` read another user's startup files as that user's
// login shell (the user database's) reads them, with what they cannot decide: as the environment check does.
describe("another user's startup files, as that user's own login shell reads them", () => {
  const node = useSimulatedNode();
  /** alice's login shell, as the node's user database (`getent passwd`) gives it. */
  const loginShellOfAlice = async (shell: string) => {
    const passwd = join(node.sandbox.root, "passwd");
    const text = await readFile(passwd, "utf8");
    await writeFile(passwd, text.replace(/^(alice:(?:[^:\n]*:){5})[^\n]*$/m, `$1${shell}`));
  };
  const otherUsers = () => diagnose(node, ["--all-users", "--checks", "other-users"]);
  const recoverAll = (...flags: string[]) => node.hpiam(["recover", "--all-users", ...flags]);

  it('alice\'s `eval "$(cat ~/.aws.env)"`: other-users is an error (exit 3); recover names it, never nothing-to-do', async () => {
    const home = node.sandbox.aliceHome;
    const { accessKeyId, secretAccessKey } = node.world.leakedKey;
    await writeUbuntuSkel(home);
    await writeFile(
      join(home, ".aws.env"),
      `export AWS_ACCESS_KEY_ID=${accessKeyId}\nexport AWS_SECRET_ACCESS_KEY=${secretAccessKey}\n`,
    );
    const line = 'eval "$(cat ~/.aws.env)"';
    const bashrc = join(home, ".bashrc");
    await writeFile(bashrc, `${line}\n`, { flag: "a" });
    const row = (await readFile(bashrc, "utf8")).split("\n").indexOf(line) + 1;
    expect(await bashSignsAs(node, "-ic", home)).toContain(`user/${LEAKED_USER}`);

    const report = await otherUsers();
    expect(report.exitCode).toBe(3);
    expect(report.doc.summary.status).toBe("unknown");
    expect(report.check("other-users")).toMatchObject({
      status: "error",
      message: expect.stringMatching(new RegExp(`^alice: cannot tell what ${bashrc}:${row} exports: .+`)),
      remediation: `review ${bashrc}:${row} by hand`,
    });

    const plan = await recoverAll("--dry-run", "--json");
    const planned = JSON.parse(plan.stdout) as RecoverResult;
    expect(planned.result).toBe("planned");
    expect(planned.manual).toContainEqual(
      expect.objectContaining({
        kind: "undecided",
        path: bashrc,
        line: row,
        command: expect.stringMatching(new RegExp(`^# edit by hand: ${bashrc}:${row} .+`)),
      }),
    );
    const human = await recoverAll("--dry-run");
    expect(human.stdout).toContain(`# edit by hand: ${bashrc}:${row} `);
    expect(human.stdout).not.toMatch(/nothing-to-do/);

    const run = await recoverAll("--yes", "--no-reboot", "--json");
    expect(run.exitCode).toBe(1);
    const result = JSON.parse(run.stdout) as RecoverResult;
    expect(result.result).toBe("failed");
    expect(result.reason).toMatch(new RegExp(`^hpiam cannot tell what new shells export: ${bashrc}:${row} `));
    expectNoSecrets(node, report.result, plan, human, run);
    await Promise.all(
      [".profile", ".bashrc", ".aws.env"].map((name) => rm(join(home, name), { force: true })),
    );
  });

  it("a zsh user's keys in ~/.zshrc: found there (not in the ~/.bashrc zsh never reads), and its sed removes them exactly", async () => {
    await loginShellOfAlice(LOGIN_SHELLS.zsh);
    const { aliceHome: home, etc } = node.sandbox;
    const { accessKeyId, secretAccessKey } = node.world.leakedKey;
    const zshrc = join(home, ".zshrc");
    await writeFile(
      zshrc,
      `export EDITOR=vim\nexport AWS_ACCESS_KEY_ID=${accessKeyId}\nexport AWS_SECRET_ACCESS_KEY=${secretAccessKey}\n` +
        "export PAGER=less\n",
    );
    // What bash would export or leave undecided: nothing of it in a zsh user's reading.
    await writeFile(join(home, ".bashrc"), 'export AWS_SESSION_TOKEN=bash-only\neval "$(cat ~/.aws.env)"\n');
    const before = await newShells({ home, etc }, "zsh");
    expect(before.exports).toEqual(["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"]);

    const report = await otherUsers();
    expect(report.exitCode).toBe(1);
    expect(report.check("other-users")).toMatchObject({
      status: "fail",
      message: `alice: AWS_ACCESS_KEY_ID at ${zshrc}:2, AWS_SECRET_ACCESS_KEY at ${zshrc}:3`,
      remediation: `sed -i -e '2d' -e '3d' ${zshrc}`,
    });

    const run = await recoverAll("--yes", "--no-reboot", "--json");
    expect(run.exitCode).toBe(1);
    const result = JSON.parse(run.stdout) as RecoverResult;
    expect(result.result).toBe("failed");
    const fixes = result.manual.filter((fix) => fix.path?.startsWith(`${home}/`));
    expect(fixes).toEqual([
      expect.objectContaining({
        kind: "startup-file",
        path: zshrc,
        command: `sed -i -e '2d' -e '3d' ${zshrc}`,
      }),
    ]);
    expectNoSecrets(node, report.result, run);

    for (const fix of fixes) await execa("sh", ["-c", fix.command]);
    expect(await readFile(zshrc, "utf8")).toBe("export EDITOR=vim\nexport PAGER=less\n");
    const after = await newShells({ home, etc }, "zsh");
    expect(after.exports).toEqual([]);
    expect(after.others).toEqual(before.others);
    expect((await otherUsers()).exitCode).toBe(0);
    expect((await recoverAll("--yes", "--no-reboot")).exitCode).toBe(0);
    await loginShellOfAlice(LOGIN_SHELLS.bash);
    await Promise.all([".zshrc", ".bashrc"].map((name) => rm(join(home, name), { force: true })));
  });
});
