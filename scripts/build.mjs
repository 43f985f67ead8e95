// Bundles the CLI into dist/ so it runs with plain `node` and no node_modules.
import { build } from "esbuild";

await build({
  entryPoints: ["src/index.ts"],
  outfile: "dist/hpiam.js",
  bundle: true,
  platform: "node",
  target: "node20",
  format: "esm",
  // Bundled CommonJS dependencies (the AWS SDK) call require(); give them one in ESM.
  banner: {
    js: "import { createRequire as __hpiamRequire } from 'node:module'; const require = __hpiamRequire(import.meta.url);",
  },
  logLevel: "warning",
});
