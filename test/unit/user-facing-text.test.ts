import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { runHpiamInProcess } from "../support/cli";
import { fakeContext } from "../support/fake-context";
import { DOCUMENT_NUMBER, SEED_WORD, userFacingText } from "../support/user-facing-text";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** Every string literal and piece of a template literal in src/, where messages, help and JSON values start. */
function sourceStrings(): Array<{ where: string; text: string }> {
  const found: Array<{ where: string; text: string }> = [];
  const files = readdirSync(join(ROOT, "src"), { recursive: true, encoding: "utf8" }).filter((path) =>
    path.endsWith(".ts"),
  );
  for (const path of files) {
    const source = ts.createSourceFile(
      path,
      readFileSync(join(ROOT, "src", path), "utf8"),
      ts.ScriptTarget.Latest,
    );
    const visit = (node: ts.Node): void => {
      if (ts.isStringLiteralLike(node) || ts.isTemplateLiteralToken(node)) {
        const line = source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
        found.push({ where: `src/${path}:${line}`, text: node.text });
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return found;
}

describe("what users read names the public documents, never the project's numbers for them", () => {
  it("no string in src/ says seed", () => {
    const strings = sourceStrings();
    // The walk reaches messages: one it must see, so that an empty walk cannot pass.
    expect(strings.map((s) => s.text)).toContain("HyperPod IAM Policies");
    expect(strings.filter((s) => SEED_WORD.test(s.text))).toEqual([]);
  });

  it("README.md does not say seed, and docs/ number no document", () => {
    const readme = readFileSync(join(ROOT, "README.md"), "utf8");
    expect(readme.split("\n").filter((line) => SEED_WORD.test(line))).toEqual([]);
    for (const name of readdirSync(join(ROOT, "docs"))) {
      const lines = readFileSync(join(ROOT, "docs", name), "utf8").split("\n");
      expect(
        lines.filter((line) => DOCUMENT_NUMBER.test(line)),
        name,
      ).toEqual([]);
    }
  });

  it("no help text, policy list or policy document says seed", async () => {
    const shown = await userFacingText((args) => runHpiamInProcess(args, fakeContext()));
    expect(shown.map((s) => s.argv)).toEqual(
      expect.arrayContaining(["hpiam --help", "hpiam fleet --help", "hpiam fleet recover --help"]),
    );
    expect(shown.filter((s) => SEED_WORD.test(s.text)).map((s) => s.argv)).toEqual([]);
  });
});
