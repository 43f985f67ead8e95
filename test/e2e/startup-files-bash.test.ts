import { execa } from "execa";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startupFileFix } from "../../src/recover/model/manual-fixes";
import { type ExportFinding, findShellExports } from "../../src/shell/find-exports";
import { createFiles } from "../../src/system/files";
import { fakeContext } from "../support/fake-context";
import { bashLoginExports, createLoginSandbox, type LoginSandbox } from "../support/login-shell";
import { SOURCED_FILES, STARTUP_CASES } from "../support/startup-file-cases";

// bash itself is the truth about what a new login shell exports; hpiam, which never runs the files,
// must name the same variables, and its removal commands must make bash stop exporting them.
describe("hpiam reads shell startup files as bash runs them", () => {
  let sandbox: LoginSandbox;
  beforeEach(async () => {
    sandbox = await createLoginSandbox();
    for (const [path, content] of Object.entries(SOURCED_FILES)) await sandbox.write(path, content);
  });
  afterEach(async () => {
    await sandbox.cleanup();
  });

  const hpiamReads = () =>
    findShellExports(
      { ...fakeContext({ env: { HPIAM_ETC_DIR: sandbox.etc } }), files: createFiles() },
      sandbox.home,
    );
  const names = (found: readonly ExportFinding[]) => [...new Set(found.map((hit) => hit.variable))].sort();
  const write = async (file: string, content: string) =>
    sandbox.write(file.replace(/^\+/, ""), content, { append: file.startsWith("+") });

  const cases = STARTUP_CASES.map(([name, file, content, others = {}]) => ({ name, file, content, others }));
  it.each(cases)("$name ($file)", async ({ file, content, others }) => {
    await write(file, content);
    for (const [path, text] of Object.entries(others)) await write(path, text);

    const truth = await bashLoginExports(sandbox);
    const found = await hpiamReads();
    expect(names(found)).toEqual(truth);

    // Each file's printed command takes the exports out, and the file is still valid shell.
    const byFile = new Map<string, ExportFinding[]>();
    for (const hit of found) byFile.set(hit.path, [...(byFile.get(hit.path) ?? []), hit]);
    for (const [path, lines] of byFile) {
      const fix = await execa("sh", ["-c", startupFileFix(path, lines).command], { reject: false });
      expect(fix.exitCode, fix.stderr).toBe(0);
      if (!path.endsWith("/environment"))
        expect((await execa("bash", ["-n", path], { reject: false })).stderr).toBe("");
    }
    expect(await bashLoginExports(sandbox)).toEqual([]);
    expect(await hpiamReads()).toEqual([]);
  });

  it("keeps what is not a credential in a multi-name export, and names file:line", async () => {
    const path = await sandbox.write(
      "~/.bash_aliases",
      "alias ll='ls -l'\nexport AWS_DEFAULT_REGION=us-west-2 AWS_PROFILE=dev LANG=C.UTF-8\n",
    );
    const found = await hpiamReads();
    expect(found).toMatchObject([
      { path, line: 2, variable: "AWS_PROFILE", credential: false, certain: true },
    ]);
    await execa("sh", ["-c", startupFileFix(path, found).command]);
    const env = await execa("env", ["-i", `HOME=${sandbox.home}`, "bash", "-c", `. '${path}'; env`]);
    expect(env.stdout).toContain("AWS_DEFAULT_REGION=us-west-2");
    expect(env.stdout).toContain("LANG=C.UTF-8");
    expect(env.stdout).not.toContain("AWS_PROFILE");
  });

  it("reads an export under a condition it cannot decide as one that may happen, never as none", async () => {
    await sandbox.write(
      "~/.bash_aliases",
      'if [ "$(hostname)" = worker-1 ]; then\n  export AWS_PROFILE=dev\nfi\n',
    );
    expect(await hpiamReads()).toMatchObject([{ variable: "AWS_PROFILE", line: 2, certain: false }]);
  });
});
