import { execa } from "execa";
import { lstat, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startupFileFix } from "../../src/recover/model/manual-fixes";
import { readShellStartup } from "../../src/shell/find-exports";
import { tryRemovals } from "../../src/shell/startup-fix-trial";
import { createExecutor } from "../../src/system/exec";
import { createFiles } from "../../src/system/files";
import { fakeContext } from "../support/fake-context";

// The printed command edits exactly what it must: the AWS names go, every other line and export stays.
describe("removal commands for startup files", () => {
  let root: string;
  let home: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), "hpiam-removal-"));
    home = join(root, "home");
    await mkdir(join(root, "etc"), { recursive: true });
    await mkdir(home);
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });
  const ctx = () => ({
    ...fakeContext({ env: { HPIAM_ETC_DIR: join(root, "etc") } }),
    files: createFiles(),
    exec: createExecutor(),
  });
  /** Writes ~/.profile (one byte a character), and returns the command hpiam prints for it. */
  const fixFor = async (content: string) => {
    const path = join(home, ".profile");
    await writeFile(path, Buffer.from(content, "latin1"));
    const { exports } = await readShellStartup(ctx(), home);
    return startupFileFix(path, exports).command;
  };
  const fixed = async (command: string) => {
    await execa("sh", ["-c", command]);
    return (await readFile(join(home, ".profile"))).toString("latin1");
  };

  it("prints the exact sed, tried on a copy, where in-memory files can only say to edit by hand", async () => {
    const command = await fixFor(
      "PATH=$PATH:~/bin\nexport AWS_ACCESS_KEY_ID=AKIAX\nexport AWS_SECRET_ACCESS_KEY=zz\n",
    );
    expect(command).toBe(`sed -i -e '2d' -e '3d' ${join(home, ".profile")}`);
    expect(await fixed(command)).toBe("PATH=$PATH:~/bin\n");
  });

  it("turns a multi-line export inside an if into `:`, and keeps the if and the export after it", async () => {
    const command = await fixFor(
      'if [ -n "$HOME" ]; then\n  export AWS_ACCESS_KEY_ID=AKIAX \\\n    AWS_SECRET_ACCESS_KEY=zz\n  export LANG=C.UTF-8\nfi\n',
    );
    expect(await fixed(command)).toBe('if [ -n "$HOME" ]; then\n  :\n  export LANG=C.UTF-8\nfi\n');
  });

  it("takes `export -- AWS_PROFILE=dev` out whole, and only the name where another stays", async () => {
    expect(await fixed(await fixFor("export -- AWS_PROFILE=dev\nexport LANG=C.UTF-8\n"))).toBe(
      "export LANG=C.UTF-8\n",
    );
    expect(await fixed(await fixFor("export -- AWS_PROFILE=dev LANG=C.UTF-8\n"))).toBe(
      "export -- LANG=C.UTF-8\n",
    );
  });

  it("counts columns in bytes, so that a Latin-1 byte earlier on the line does not shift the cut", async () => {
    const command = await fixFor('[ -n "caf\xe9" ] && export AWS_PROFILE=dev\n');
    expect(command).toMatch(/^LC_ALL=C sed -i/);
    expect(await fixed(command)).toBe('[ -n "caf\xe9" ] && :\n');
  });

  it("edits the file a symbolic link names, keeps the link, and says so", async () => {
    await mkdir(join(home, "dotfiles"));
    const target = join(home, "dotfiles", "profile");
    await writeFile(target, "export LANG=C.UTF-8\nexport AWS_PROFILE=dev\n");
    await symlink(target, join(home, ".profile"));
    const { exports } = await readShellStartup(ctx(), home);
    const { command } = startupFileFix(join(home, ".profile"), exports);
    expect(command).toBe(
      `sed -i -e '2d' ${target}  # ${join(home, ".profile")} is a symbolic link to this file`,
    );
    await execa("sh", ["-c", command]);
    expect((await lstat(join(home, ".profile"))).isSymbolicLink()).toBe(true);
    expect(await readFile(target, "utf8")).toBe("export LANG=C.UTF-8\n");
  });

  it("prints no sed for an export inside eval's text with other commands: it says to edit by hand", async () => {
    const command = await fixFor("eval 'export AWS_PROFILE=dev; export LANG=C.UTF-8'\n");
    expect(command).toBe(
      `# edit ${join(home, ".profile")} by hand, taking out AWS_PROFILE (line 1): ` +
        "the export is in eval's text, with other commands",
    );
  });

  it("prints no sed that, tried on a copy, would leave the export in place", async () => {
    const path = join(home, ".profile");
    await writeFile(path, "export LANG=C.UTF-8\nexport AWS_PROFILE=dev\n");
    const reading = await readShellStartup(ctx(), home);
    const [found] = reading.exports;
    if (!found) throw new Error("no export found");
    // A removal that names the wrong line: the copy still exports, so no sed is printed.
    const wrong = { ...found, removal: { kind: "lines" as const, from: 1, to: 1 } };
    const shells = { exports: [wrong], undecided: [], otherExports: ["LANG"], shells: [] };
    const read = async () => ({ exports: [found], undecided: [], otherExports: [], shells: [] });
    const [tried] = await tryRemovals(ctx(), shells, { dialects: new Map() }, read);
    expect(tried?.removal).toEqual({
      kind: "by-hand",
      why: "a copy edited by its sed command still exports AWS_PROFILE",
    });
    expect(await readFile(path, "utf8")).toBe("export LANG=C.UTF-8\nexport AWS_PROFILE=dev\n");
  });
});
