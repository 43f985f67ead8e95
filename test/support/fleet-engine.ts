import type { FleetEngine, FleetNode, NodeAnswer } from "../../src/fleet/model/engine";

/** What a scripted node prints for one run of hpiam (its arguments given); undefined: it does not answer. */
export type NodeScript = Record<string, unknown> | ((name: string, args: readonly string[]) => unknown);

/** A fleet engine whose nodes answer from a script, recording what it ran and what it rebooted. */
export function scriptedEngine(
  nodes: FleetNode[],
  script: NodeScript,
  runs: string[][] = [],
  reboots: string[][] = [],
): FleetEngine {
  const print = (name: string, args: readonly string[]) =>
    typeof script === "function" ? script(name, args) : script[name];
  return {
    name: "slurm",
    asRoot: true,
    listNodes: async () => nodes,
    run: async ({ nodes: names, args, onProgress }) => {
      runs.push([...names, "--", ...args]);
      onProgress?.(names.length, names.length);
      return names.map((name): NodeAnswer => {
        const document = print(name, args);
        return document === undefined
          ? { name, unavailable: "no-answer", reason: "did not answer within 60 s" }
          : { name, document };
      });
    },
    commandsFor: ({ nodes: names, args }) => [["srun", `--nodelist=${names.join(",")}`, ...args]],
    compress: async (names) => names.join(","),
    reboot: async (names, { dryRun = false } = {}) => {
      if (!dryRun) reboots.push([...names]);
      return { command: ["scontrol", "reboot", names.join(",")], ok: true, message: "queued", refused: [] };
    },
  };
}
