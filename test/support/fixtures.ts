import { readFileSync } from "node:fs";

/** The text of a real-shaped HyperPod node file from test/fixtures/hyperpod. */
export const hyperpodFixture = (name: string): string =>
  readFileSync(new URL(`../fixtures/hyperpod/${name}`, import.meta.url), "utf8");
