// @ts-check
import js from "@eslint/js";
import tseslint from "typescript-eslint";
import globals from "globals";
import { createNodeResolver, importX } from "eslint-plugin-import-x";
import { noFolderCycle } from "./scripts/eslint-no-folder-cycle.mjs";

export default tseslint.config(
  { ignores: ["dist/", "node_modules/", "coverage/", "bench/results/"] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      globals: globals.node,
      parserOptions: {
        projectService: { allowDefaultProject: ["bin/*.js", "scripts/*.mjs", "test/support/*.mjs"] },
      },
    },
    rules: {
      // Ports are async interfaces; a fake or adapter that answers at once is still one.
      "@typescript-eslint/require-await": "off",
    },
  },
  {
    // Side effects live in src/system only: everything else receives them through the context.
    files: ["src/**/*.ts"],
    ignores: ["src/system/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["execa", "@aws-sdk/*", "@smithy/*", "@inquirer/*"],
              message: "Use the context (src/system).",
            },
            {
              group: ["node:fs", "node:fs/*", "node:child_process", "fs", "child_process"],
              message: "Use ctx.files / ctx.exec.",
            },
          ],
        },
      ],
    },
  },
  {
    // The map README draws: no file imports itself round a circle at run time (import-x), and no folder imports
    // another that imports it back, type-only imports included (layout/no-folder-cycle).
    files: ["src/**/*.ts"],
    plugins: { "import-x": importX, layout: { rules: { "no-folder-cycle": noFolderCycle } } },
    settings: {
      "import-x/extensions": [".ts"],
      "import-x/parsers": { "@typescript-eslint/parser": [".ts"] },
      "import-x/resolver-next": [createNodeResolver({ extensions: [".ts"] })],
    },
    rules: {
      "import-x/no-cycle": "error",
      "layout/no-folder-cycle": "error",
    },
  },
  {
    // Tests read JSON documents the CLI printed; their shape is what the assertions check.
    files: ["test/**/*.ts"],
    rules: {
      "@typescript-eslint/no-unsafe-member-access": "off",
      "@typescript-eslint/no-unsafe-assignment": "off",
      "@typescript-eslint/no-unsafe-argument": "off",
      "@typescript-eslint/unbound-method": "off",
    },
  },
  {
    files: ["**/*.js", "**/*.mjs"],
    ...tseslint.configs.disableTypeChecked,
  },
);
