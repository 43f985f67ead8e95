import { execa } from "execa";

/** End-to-end tests run the built CLI: build it from the current source first. */
export default async function setup(): Promise<void> {
  await execa("node", ["scripts/build.mjs"], { stdio: "inherit" });
}
