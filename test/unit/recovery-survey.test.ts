import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { surveyRecovery } from "../../src/recover/survey";
import { createExecutor } from "../../src/system/exec";
import { createFiles } from "../../src/system/files";
import { fakeContext } from "../support/fake-context";

// recover --all-users: each home read as its user's login shell reads it, the machine's files as theirs too.
describe("recover's survey of startup files", () => {
  let root: string;
  let etc: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), "hpiam-survey-"));
    etc = join(root, "etc");
    await mkdir(join(etc, "zsh"), { recursive: true });
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it("names the machine's lines once, as the users' login shells read them, and each home's undecided forms", async () => {
    await writeFile(join(etc, "profile"), "export AWS_PROFILE=dev\n");
    await writeFile(join(etc, "zsh", "zshrc"), 'eval "$(cat /etc/aws.env)"\n');
    const users = ["ubuntu", "bob", "zoe"].map((name, index) => ({
      name,
      uid: 1000 + index,
      gid: 1000 + index,
      home: join(root, "home", name),
      shell: name === "zoe" ? "/usr/bin/zsh" : "/bin/bash",
    }));
    await Promise.all(users.map((user) => mkdir(user.home, { recursive: true })));
    await writeFile(join(users[2]?.home ?? "", ".bashrc"), 'eval "$(cat ~/.aws.env)"\n');
    await writeFile(join(users[1]?.home ?? "", ".bashrc"), "source <(cat ~/.aws.env)\n");
    const ctx = {
      ...fakeContext({ env: { HPIAM_ETC_DIR: etc }, users, uid: 0 }),
      files: createFiles(),
      exec: createExecutor(),
    };
    // Homes as the user database gives them, and as `--user NAME` without the shell: it is looked up.
    const targets = users.map(({ name, uid, home, shell }) =>
      name === "bob" ? { user: name, uid, home } : { user: name, uid, home, shell },
    );
    const bash = await surveyRecovery(ctx, {}, targets.slice(0, 2), "recover");
    expect(bash.systemExports).toMatchObject([
      { path: join(etc, "profile"), line: 1, variable: "AWS_PROFILE" },
    ]);
    expect(bash.systemUndecided).toEqual([]);
    expect(bash.homes.map((home) => [home.user, home.undecided.map((form) => form.path)])).toEqual([
      ["ubuntu", []],
      ["bob", [join(users[1]?.home ?? "", ".bashrc")]],
    ]);
    // zoe's zsh reads /etc/zsh/zshrc, and neither /etc/profile nor her ~/.bashrc.
    const zsh = await surveyRecovery(ctx, {}, targets.slice(2), "recover");
    expect(zsh.systemExports).toEqual([]);
    expect(zsh.systemUndecided).toMatchObject([{ path: join(etc, "zsh", "zshrc"), line: 1 }]);
    expect(zsh.homes[0]?.undecided).toEqual([]);
  });
});
