import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runHpiam } from "../support/cli";
import { DOCUMENT_NUMBER, SEED_WORD, userFacingText } from "../support/user-facing-text";

const DIST = fileURLToPath(new URL("../../dist/", import.meta.url));

describe("the built CLI names the public documents, never the project's numbers for them", () => {
  let home: string;
  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), "hpiam-words-"));
  });
  afterAll(async () => {
    if (home) await rm(home, { recursive: true, force: true });
  });

  it("no string in the bundle or the files beside it numbers a document", async () => {
    const files = (await readdir(DIST, { recursive: true })).filter((path) => path.endsWith(".cjs"));
    expect(files).toContain("hpiam.cjs");
    for (const path of files) {
      const text = await readFile(join(DIST, path), "utf8");
      expect(
        text.match(new RegExp(`.{0,60}${DOCUMENT_NUMBER.source}.{0,20}`, "i"))?.[0],
        path,
      ).toBeUndefined();
    }
  });

  it("no help text, policy list or policy document of the built CLI says seed", async () => {
    const env = { PATH: process.env.PATH ?? "", HOME: home, NO_COLOR: "1", LANG: "C.UTF-8" };
    const shown = await userFacingText((args) => runHpiam(args, env));
    expect(shown.map((s) => s.argv)).toEqual(
      expect.arrayContaining(["hpiam --help", "hpiam fleet --help", "hpiam policy --list"]),
    );
    expect(shown.filter((s) => SEED_WORD.test(s.text)).map((s) => s.argv)).toEqual([]);
  });
});
