import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { PasswdEntry } from "../../src/context";
import { readShellStartup } from "../../src/shell/find-exports";
import { createExecutor } from "../../src/system/exec";
import { createFiles } from "../../src/system/files";
import { fakeContext } from "../support/fake-context";

// Hostile and odd startup files (layer 4): each ends in an answer, never a crash, a hang or a pass it cannot know.
describe("reading startup files that bash would choke on", () => {
  let root: string;
  let home: string;
  let etc: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), "hpiam-startup-"));
    [home, etc] = [join(root, "home"), join(root, "etc")];
    await Promise.all([mkdir(home), mkdir(etc)]);
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });
  const context = (users?: PasswdEntry[]) => ({
    ...fakeContext({ env: { HPIAM_ETC_DIR: etc }, ...(users ? { users } : {}) }),
    files: createFiles(),
    exec: createExecutor(),
  });
  const read = (options: { user?: string } = {}) => readShellStartup(context(), home, options);

  it("stops where bash stops: at a syntax error, not at the end of the file", async () => {
    await writeFile(
      join(home, ".profile"),
      'export AWS_PROFILE=dev\nif then fi ((( \u0000\u00ff\nexport AWS_ACCESS_KEY_ID="AKIA\n',
    );
    const { exports, undecided } = await read();
    expect(exports).toMatchObject([{ variable: "AWS_PROFILE", line: 1, certain: true }]);
    expect(undecided).toEqual([]);
  });

  it("ends on a file that sources itself, and on a function that calls itself", async () => {
    await writeFile(join(home, ".profile"), `. ~/.profile\nf() { f; export AWS_PROFILE=dev; }\nf\n`);
    expect((await read()).exports).toMatchObject([{ variable: "AWS_PROFILE", line: 2 }]);
  });

  it("takes /etc/environment as PAM does, and removes its line whole", async () => {
    await writeFile(join(etc, "environment"), 'PATH="/usr/bin:/bin"\nAWS_SESSION_TOKEN="token"\n');
    expect((await read()).exports).toEqual([
      {
        path: join(etc, "environment"),
        line: 2,
        variable: "AWS_SESSION_TOKEN",
        credential: true,
        certain: true,
        removal: { kind: "lines", from: 2, to: 2 },
      },
    ]);
  });

  it("reads ~/.pam_environment only where a pam_env line of /etc/pam.d says user_readenv=1", async () => {
    await writeFile(join(home, ".pam_environment"), "AWS_PROFILE DEFAULT=dev\n");
    await mkdir(join(etc, "pam.d"));
    await writeFile(join(etc, "pam.d", "sshd"), "session required pam_env.so envfile=/etc/default/locale\n");
    expect((await read()).exports).toEqual([]);
    await writeFile(join(etc, "pam.d", "sshd"), "session required pam_env.so user_readenv=1\n");
    expect((await read()).exports).toMatchObject([
      { path: join(home, ".pam_environment"), line: 1, variable: "AWS_PROFILE" },
    ]);
  });

  it("calls a file larger than it reads undecided, never a pass", async () => {
    const padding = "# padding\n".repeat(120_000);
    await writeFile(join(home, ".profile"), `${padding}export AWS_PROFILE=dev\n`);
    const { exports, undecided } = await read();
    expect(exports).toEqual([]);
    expect(undecided).toMatchObject([
      { path: join(home, ".profile"), why: expect.stringContaining("larger than the 1 MiB") },
    ]);
  });

  it("calls an export of names from a command's output undecided, with its file and line", async () => {
    await writeFile(join(home, ".profile"), "alias ll='ls -l'\nexport $(grep -v '^#' ~/.aws.env | xargs)\n");
    expect((await read()).undecided).toEqual([
      {
        path: join(home, ".profile"),
        line: 2,
        why: "export of a name hpiam cannot know (a command's output: $(grep -v '^#' ~/.aws.env | xargs))",
      },
    ]);
  });

  it("reads a zsh user's zsh files, and not bash's, by the user database's shell", async () => {
    await writeFile(join(home, ".profile"), "export AWS_PROFILE=dev\n");
    await writeFile(join(home, ".zshrc"), "setopt allexport\nAWS_DEFAULT_PROFILE=dev\n");
    const zsh = { name: "alice", uid: 1001, gid: 1001, home, shell: "/usr/bin/zsh" };
    const bash = { ...zsh, name: "bob", shell: "/bin/bash" };
    const names = async (user: string) =>
      (await readShellStartup(context([zsh, bash]), home, { user })).exports.map((hit) => hit.variable);
    expect(await names("alice")).toEqual(["AWS_DEFAULT_PROFILE"]);
    expect(await names("bob")).toEqual(["AWS_PROFILE"]);
    // A user the database does not list: both shells' files, so that nothing is missed.
    expect((await names("nobody-here")).sort()).toEqual(["AWS_DEFAULT_PROFILE", "AWS_PROFILE"]);
  });

  it("finds nothing in a home without startup files", async () => {
    const { exports, undecided } = await read();
    expect({ exports, undecided }).toEqual({ exports: [], undecided: [] });
  });
});
