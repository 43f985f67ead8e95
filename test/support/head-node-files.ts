import type { Files } from "../../src/context";
import { hyperpodFixture } from "./fixtures";

export const CONFIG = "/opt/ml/config/resource_config.json";
export const PARAMS = "/opt/ml/config/provisioning_parameters.json";

/** Files in memory: path → text; every write is visible to the next read. */
export function writableFiles(
  initial: Record<string, string>,
): Partial<Files> & { store: Map<string, string> } {
  const store = new Map(Object.entries(initial));
  const missing = (path: string) => Object.assign(new Error(`${path}: ENOENT`), { code: "ENOENT" });
  return {
    store,
    readText: async (path) => {
      const text = store.get(path);
      if (text === undefined) throw missing(path);
      return text;
    },
    stat: async (path) =>
      store.has(path) ? { kind: "file", mode: 0o600, uid: 1000, gid: 1000, size: 1 } : undefined,
    writeText: async (path, content) => void store.set(path, content),
    createExclusive: async (path, content) => !store.has(path) && Boolean(store.set(path, content)),
    rename: async (from, to) => {
      store.set(to, store.get(from) ?? "");
      store.delete(from);
    },
  };
}

/** The node files of the fixture cluster, whose controller is 10.1.10.10. */
export const stockNode = {
  [CONFIG]: hyperpodFixture("resource_config.json"),
  [PARAMS]: hyperpodFixture("provisioning_parameters.json"),
};
