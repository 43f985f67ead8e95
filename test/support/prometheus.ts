import { execa, type ResultPromise } from "execa";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, missingPaths, requireDebianPackages, stopProcess, waitFor } from "./processes";

/** Debian's node_exporter and promtool (package `prometheus`), as .ci/run installs them. */
export const NODE_EXPORTER = "/usr/bin/prometheus-node-exporter";
export const PROMTOOL = "/usr/bin/promtool";

let installing: Promise<void> | undefined;

/** Installs them when one is missing (as root), or fails with the exact command: never skips. */
export function ensurePrometheusPackages(): Promise<void> {
  installing ??= requireDebianPackages(
    ["prometheus-node-exporter", "prometheus"],
    missingPaths(NODE_EXPORTER, PROMTOOL),
  );
  return installing;
}

/** `promtool check metrics` reads the exposition on stdin; `check rules` a file. */
export async function promtool(args: string[], input?: string) {
  const { exitCode, stdout, stderr } = await execa(PROMTOOL, args, {
    reject: false,
    ...(input === undefined ? { stdin: "ignore" as const } : { input }),
  });
  return { exitCode: exitCode ?? -1, stdout, stderr };
}

export interface NodeExporter {
  /** Its `--collector.textfile.directory`. */
  textfileDir: string;
  /** One scrape of /metrics, as Prometheus makes it. */
  scrape(): Promise<string>;
  stop(): Promise<void>;
}

/** node_exporter with only the textfile collector, on a temporary directory and a free loopback port. */
export async function startNodeExporter(): Promise<NodeExporter> {
  await ensurePrometheusPackages();
  const textfileDir = await mkdtemp(join(tmpdir(), "hpiam-textfile-"));
  const port = await freePort();
  const child: ResultPromise = execa(
    NODE_EXPORTER,
    [
      "--collector.disable-defaults",
      "--collector.textfile",
      `--collector.textfile.directory=${textfileDir}`,
      `--web.listen-address=127.0.0.1:${port}`,
    ],
    { reject: false, stdin: "ignore", stdout: "ignore", stderr: "ignore" },
  );
  const url = `http://127.0.0.1:${port}/metrics`;
  const stop = async () => {
    await stopProcess(child);
    await rm(textfileDir, { recursive: true, force: true });
  };
  try {
    await waitFor(async () => (await fetch(url)).ok, 10_000, "node_exporter");
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    textfileDir,
    scrape: async () => {
      const response = await fetch(url);
      if (!response.ok) throw new Error(`node_exporter answered ${response.status}`);
      return response.text();
    },
    stop,
  };
}

/** An exposition's samples, `name{labels}` → value (comments left out). */
export function samplesOf(text: string): Map<string, number> {
  const lines = text.split("\n").filter((line) => line && !line.startsWith("#"));
  return new Map(lines.map((line) => [line.slice(0, line.lastIndexOf(" ")), Number(line.split(" ").pop())]));
}
