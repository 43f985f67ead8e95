import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // The JSON report lets .ci/run print a plain "N passed, N failed" closing line.
    reporters: ["default", ["json", { outputFile: "test-results/vitest.json" }]],
    // The SDK's "upgrade Node" notice is noise in test output; the CLI silences it the same way.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
    // e2e tests start moto_server and the IMDS fake; give them room on a 2-core machine.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // `npm test` runs both; `npm run test:unit` only the first: no build, no moto_server, no root.
    projects: [
      { extends: true, test: { name: "unit", include: ["test/unit/**/*.test.ts"] } },
      {
        extends: true,
        // Only end-to-end tests run the built CLI, so only they wait for the build.
        test: {
          name: "e2e",
          include: ["test/e2e/**/*.test.ts"],
          globalSetup: ["test/support/global-setup.ts"],
        },
      },
    ],
  },
});
