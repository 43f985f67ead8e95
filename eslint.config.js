// @ts-check
import js from "@eslint/js";
import tseslint from "typescript-eslint";
import globals from "globals";

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
