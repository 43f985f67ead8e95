import { spawn } from "node:child_process";
import { access, constants } from "node:fs/promises";

export interface Sample {
  wallMs: number;
  /** Peak resident set size of the process, from getrusage(2) via GNU time. */
  peakRssKb: number | undefined;
  exitCode: number;
}

const GNU_TIME = "/usr/bin/time";
const RSS_MARK = "hpiam-bench-peak-rss-kb=";

export async function gnuTimeAvailable(): Promise<boolean> {
  return access(GNU_TIME, constants.X_OK).then(
    () => true,
    () => false,
  );
}

/**
 * Runs argv once, with nothing on stdin and output discarded, and measures the whole process: wall time from
 * spawn to exit, and (through GNU time, whose own start is the same for every command) its peak memory.
 */
export function measureOnce(
  argv: readonly string[],
  env: Record<string, string>,
  withRss: boolean,
): Promise<Sample> {
  const [command = "", ...args] = withRss ? [GNU_TIME, "-f", `${RSS_MARK}%M`, ...argv] : argv;
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(command, args, { env, stdio: ["ignore", "ignore", withRss ? "pipe" : "ignore"] });
    let stderr = "";
    child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.once("error", reject);
    child.once("close", (code) => {
      const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
      const rss = stderr.split("\n").find((line) => line.startsWith(RSS_MARK));
      resolve({
        wallMs,
        peakRssKb: rss ? Number(rss.slice(RSS_MARK.length)) : undefined,
        exitCode: code ?? -1,
      });
    });
  });
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[middle] ?? NaN)
    : ((sorted[middle - 1] ?? NaN) + (sorted[middle] ?? NaN)) / 2;
}
