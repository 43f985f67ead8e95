import { execa } from "execa";
import { lstat } from "node:fs/promises";
import { beforeAll, describe, expect, it } from "vitest";
import { startupFileFix } from "../../src/recover/model/manual-fixes";
import { type ExportFinding, readShellStartup } from "../../src/shell/find-exports";
import { createExecutor } from "../../src/system/exec";
import { createFiles } from "../../src/system/files";
import { fakeContext } from "../support/fake-context";
import {
  createLoginSandbox,
  LOGIN_SHELLS,
  type LoginSandbox,
  newShells,
  type ShellName,
} from "../support/login-shell";
import { missingPaths, requireDebianPackages } from "../support/processes";
import {
  SOURCED_FILES,
  STARTUP_CASES,
  type StartupCase,
  ZSH_STARTUP_CASES,
} from "../support/startup-file-cases";

/** The sandbox's files as hpiam reads them for a user whose login shell is `shell` (parsed, never run). */
function hpiamReads(sandbox: LoginSandbox, shell: ShellName) {
  const ctx = {
    ...fakeContext({ env: { HPIAM_ETC_DIR: sandbox.etc } }),
    files: createFiles(),
    exec: createExecutor(),
  };
  return readShellStartup(ctx, sandbox.home, { shell: LOGIN_SHELLS[shell] });
}

const names = (found: readonly ExportFinding[]) => [...new Set(found.map((hit) => hit.variable))].sort();

async function writeCase(sandbox: LoginSandbox, [, file, content, others = {}]: StartupCase): Promise<void> {
  const write = (path: string, text: string) =>
    sandbox.write(path.replace(/^\+/, ""), text, { append: path.startsWith("+") });
  for (const [path, text] of Object.entries(SOURCED_FILES)) await sandbox.write(path, text);
  await write(file, content);
  for (const [path, other] of Object.entries(others))
    await (typeof other === "string" ? write(path, other) : sandbox.link(path, other.link));
}

/**
 * bash and zsh themselves are the truth about what a new shell exports (started through PAM, as a login
 * starts them); hpiam, which never runs the files, must name the same variables, or say which line it cannot
 * decide and why; and its removal commands must make the shell stop exporting them, and nothing else.
 */
describe.each([
  { shell: "bash" as const, cases: STARTUP_CASES },
  { shell: "zsh" as const, cases: ZSH_STARTUP_CASES },
])("hpiam reads startup files as $shell runs them", ({ shell, cases }) => {
  beforeAll(async () => {
    await requireDebianPackages(["zsh"], missingPaths(LOGIN_SHELLS.zsh));
  }, 300_000);

  const table = cases.map((line) => ({ line, name: line[0], file: line[1], verdict: line[4] }));
  it.each(table)("$name ($file)", async ({ line, verdict }) => {
    const sandbox = await createLoginSandbox();
    try {
      await writeCase(sandbox, line);
      const truth = await newShells(sandbox, shell);
      const found = await hpiamReads(sandbox, shell);

      if (verdict === "unknown") {
        // Not a pass, and not a guess: the file and line, and why.
        expect(found.undecided.length, JSON.stringify(found)).toBeGreaterThan(0);
        expect(found.undecided[0]?.path).toMatch(/^\//);
        expect(found.undecided[0]?.line).toBeGreaterThan(0);
        return;
      }
      expect(found.undecided).toEqual([]);
      expect(names(found.exports)).toEqual(truth.exports);

      const byFile = new Map<string, ExportFinding[]>();
      for (const hit of found.exports) byFile.set(hit.path, [...(byFile.get(hit.path) ?? []), hit]);
      for (const [path, lines] of byFile) {
        const { command } = startupFileFix(path, lines);
        if (verdict === "by hand") {
          expect(command).toMatch(/^# edit .* by hand/);
          return;
        }
        const links = (await lstat(path)).isSymbolicLink();
        const valid = async () => (await execa(shell, ["-n", path], { reject: false })).exitCode === 0;
        const wasValid = await valid();
        const fix = await execa("sh", ["-c", command], { reject: false });
        expect(fix.exitCode, `${command}\n${fix.stderr}`).toBe(0);
        if (links) {
          expect(command).toContain("is a symbolic link to this file");
          expect((await lstat(path)).isSymbolicLink()).toBe(true);
        }
        // Still valid shell (a file that was).
        if (wasValid) expect(await valid()).toBe(true);
      }
      // The shell exports none of them any more, and everything else as before.
      const after = await newShells(sandbox, shell);
      expect(after.exports).toEqual([]);
      expect(after.others).toEqual(truth.others);
      expect((await hpiamReads(sandbox, shell)).exports).toEqual([]);
    } finally {
      await sandbox.cleanup();
    }
  });
});

describe("hpiam's startup-file findings", () => {
  it("keeps what is not a credential in a multi-name export, and names file:line", async () => {
    const sandbox = await createLoginSandbox();
    try {
      const path = await sandbox.write(
        "~/.bash_aliases",
        "alias ll='ls -l'\nexport AWS_DEFAULT_REGION=us-west-2 AWS_PROFILE=dev LANG=C.UTF-8\n",
      );
      const { exports } = await hpiamReads(sandbox, "bash");
      expect(exports).toMatchObject([
        { path, line: 2, variable: "AWS_PROFILE", credential: false, certain: true },
      ]);
      await execa("sh", ["-c", startupFileFix(path, exports).command]);
      const env = await execa("env", ["-i", `HOME=${sandbox.home}`, "bash", "-c", `. '${path}'; env`]);
      expect(env.stdout).toContain("AWS_DEFAULT_REGION=us-west-2");
      expect(env.stdout).toContain("LANG=C.UTF-8");
      expect(env.stdout).not.toContain("AWS_PROFILE");
    } finally {
      await sandbox.cleanup();
    }
  });

  it("reads an export under a condition it cannot decide as one that may happen, never as none", async () => {
    const sandbox = await createLoginSandbox();
    try {
      await sandbox.write(
        "~/.bash_aliases",
        'if [ "$(hostname)" = worker-1 ]; then\n  export AWS_PROFILE=dev\nfi\n',
      );
      const { exports } = await hpiamReads(sandbox, "bash");
      expect(exports).toMatchObject([{ variable: "AWS_PROFILE", line: 2, certain: false }]);
    } finally {
      await sandbox.cleanup();
    }
  });
});
