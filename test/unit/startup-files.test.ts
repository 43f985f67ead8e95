import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { findShellExports } from "../../src/shell/find-exports";
import { createFiles } from "../../src/system/files";
import { fakeContext } from "../support/fake-context";

// Hostile and odd startup files (layer 4): each ends in an answer, never a crash or a hang.
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
  const read = () =>
    findShellExports({ ...fakeContext({ env: { HPIAM_ETC_DIR: etc } }), files: createFiles() }, home);

  it("reads an export the grammar cannot make sense of as one that may happen", async () => {
    await writeFile(join(home, ".profile"), 'if then fi ((( \u0000\u00ff\nexport AWS_ACCESS_KEY_ID="AKIA\n');
    expect(await read()).toMatchObject([{ variable: "AWS_ACCESS_KEY_ID", certain: false }]);
  });

  it("ends on a file that sources itself, and on a function that calls itself", async () => {
    await writeFile(join(home, ".profile"), `. ~/.profile\nf() { f; export AWS_PROFILE=dev; }\nf\n`);
    expect(await read()).toMatchObject([{ variable: "AWS_PROFILE", line: 2 }]);
  });

  it("takes /etc/environment as PAM does, and removes its line whole", async () => {
    await writeFile(join(etc, "environment"), 'PATH="/usr/bin:/bin"\nAWS_SESSION_TOKEN="token"\n');
    expect(await read()).toEqual([
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

  it("finds nothing in a home without startup files", async () => {
    expect(await read()).toEqual([]);
  });
});
