// An ESLint rule: no folder of src/ imports another that imports it back, directly or round a circle. A folder is
// one topic (or its model/); a file directly in src/ (cli.ts, context.ts, errors.ts, index.ts) counts as a folder
// of its own. Type-only imports count too: they place a folder in the map as much as any other.
//
// import-x/no-cycle checks files and skips type-only imports; this checks what README's map promises.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)["'](\.{1,2}\/[^"'\n]+)["']/g;
const EXTENSIONS = ["", ".ts", ".mts", ".js", ".mjs", "/index.ts"];

/** The file a relative specifier names, as TypeScript's Bundler resolution finds it. */
function resolveSpecifier(from, specifier) {
  const base = resolve(dirname(from), specifier);
  for (const ext of EXTENSIONS) {
    const path = base + ext;
    if (existsSync(path) && statSync(path).isFile()) return path;
  }
  return undefined;
}

function sourceFiles(dir, out = []) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) sourceFiles(path, out);
    else if (/\.m?ts$/.test(name)) out.push(path);
  }
  return out;
}

/** The folder a file belongs to, relative to the root; a file directly in the root is one of its own. */
function folderOf(root, file) {
  const dir = relative(root, dirname(file));
  return dir === "" ? relative(root, file) : dir;
}

/**
 * Folder → folders it imports, from every file under root. Read again when the file being linted changed since
 * (an editor), or half a minute later; one lint run reads it once.
 */
const graphs = new Map();
function folderGraph(root, linted) {
  const cached = graphs.get(root);
  const fresh = cached && Date.now() - cached.readAt < 30_000 && statSync(linted).mtimeMs < cached.readAt;
  if (fresh) return cached.edges;
  const files = sourceFiles(root);
  const edges = new Map();
  for (const file of files) {
    const from = folderOf(root, file);
    for (const [, specifier] of readFileSync(file, "utf8").matchAll(SPECIFIER)) {
      const target = resolveSpecifier(file, specifier);
      if (!target || relative(root, target).startsWith("..")) continue;
      const to = folderOf(root, target);
      if (to !== from) edges.set(from, new Set([...(edges.get(from) ?? []), to]));
    }
  }
  graphs.set(root, { readAt: Date.now(), edges });
  return edges;
}

/** The folders from `start` round to `goal` (both included), or undefined when `start` never reaches it. */
function pathBetween(edges, start, goal) {
  const previous = new Map([[start, undefined]]);
  const queue = [start];
  while (queue.length > 0) {
    const folder = queue.shift();
    if (folder === goal) {
      const path = [];
      for (let at = goal; at !== undefined; at = previous.get(at)) path.unshift(at);
      return path;
    }
    for (const next of edges.get(folder) ?? []) {
      if (previous.has(next)) continue;
      previous.set(next, folder);
      queue.push(next);
    }
  }
  return undefined;
}

export const noFolderCycle = {
  meta: {
    type: "problem",
    docs: { description: "no two folders of src/ import each other, directly or round a circle" },
    schema: [{ type: "object", properties: { root: { type: "string" } }, additionalProperties: false }],
    messages: {
      cycle:
        "{{from}} imports {{to}}, which imports it back ({{path}}): move what both need into the one that does not depend on the other.",
    },
  },
  create(context) {
    const root = resolve(context.cwd, context.options[0]?.root ?? "src");
    const file = context.filename;
    if (relative(root, file).startsWith("..")) return {};
    const from = folderOf(root, file);
    const check = (node) => {
      // import/export … from, import(): `source`; a type's `import("…")`: `argument`.
      const specifier = node.source?.value ?? node.argument?.literal?.value;
      if (typeof specifier !== "string" || !specifier.startsWith(".")) return;
      const target = resolveSpecifier(file, specifier);
      if (!target || relative(root, target).startsWith("..")) return;
      const to = folderOf(root, target);
      if (to === from) return;
      const back = pathBetween(folderGraph(root, file), to, from);
      if (back)
        context.report({ node, messageId: "cycle", data: { from, to, path: [from, ...back].join(" → ") } });
    };
    return {
      ImportDeclaration: check,
      ExportNamedDeclaration: check,
      ExportAllDeclaration: check,
      ImportExpression: check,
      TSImportType: check,
    };
  },
};
