import type { Files } from "../../src/context";
import { hyperpodFixture } from "./fixtures";

export const RESOURCE_CONFIG = "/opt/ml/config/resource_config.json";
export const PROVISIONING_PARAMETERS = "/opt/ml/config/provisioning_parameters.json";

/**
 * Files in memory: path → text, root's, mode 0600. A directory is any prefix of a path held; what is written or
 * renamed is what the next read sees (`store` holds it for the test to look at).
 */
export function memoryFiles(
  initial: Record<string, string>,
): Partial<Files> & { store: Map<string, string> } {
  const store = new Map(Object.entries(initial));
  const missing = (path: string) => Object.assign(new Error(`${path}: ENOENT`), { code: "ENOENT" });
  const info = async (path: string) => {
    if (store.has(path)) return { kind: "file" as const, mode: 0o600, uid: 0, gid: 0, size: 1 };
    if ([...store.keys()].some((held) => held.startsWith(`${path}/`)))
      return { kind: "directory" as const, mode: 0o700, uid: 0, gid: 0, size: 1 };
    return undefined;
  };
  return {
    store,
    readText: async (path) => {
      const text = store.get(path);
      if (text === undefined) throw missing(path);
      return text;
    },
    stat: info,
    lstat: info,
    writeText: async (path, content) => void store.set(path, content),
    createExclusive: async (path, content) => !store.has(path) && Boolean(store.set(path, content)),
    rename: async (from, to) => {
      const text = store.get(from);
      if (text === undefined) throw missing(from);
      store.set(to, text);
      store.delete(from);
    },
  };
}

/** The node files of the fixture cluster, whose controller is 10.1.10.10. */
export const stockNode = {
  [RESOURCE_CONFIG]: hyperpodFixture("resource_config.json"),
  [PROVISIONING_PARAMETERS]: hyperpodFixture("provisioning_parameters.json"),
};
