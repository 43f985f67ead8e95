import { readFile } from "node:fs/promises";
import { setTimeout as sleep } from "node:timers/promises";
import { hostname } from "node:os";
import { resolve } from "node:path";
import type { HostPort } from "../context";

export function createHostPort(): HostPort {
  return {
    pid: process.pid,
    hostname: hostname(),
    bootId: () =>
      readFile("/proc/sys/kernel/random/boot_id", "utf8").then(
        (text) => text.trim() || undefined,
        () => undefined,
      ),
    bootTime: () =>
      readFile("/proc/stat", "utf8").then(
        (text) => {
          const seconds = Number(/^btime (\d+)$/m.exec(text)?.[1]);
          return seconds > 0 ? new Date(seconds * 1000) : undefined;
        },
        () => undefined,
      ),
    // A single executable is its own script (argv[1] repeats execPath); else node and the script it runs.
    command:
      !process.argv[1] || resolve(process.argv[1]) === process.execPath
        ? [process.execPath]
        : [process.execPath, resolve(process.argv[1])],
    alive(pid) {
      try {
        process.kill(pid, 0); // signal 0: only asks whether the process exists
        return true;
      } catch (error) {
        return (error as NodeJS.ErrnoException).code === "EPERM"; // exists, but is another user's
      }
    },
    pause: async (ms) => {
      await sleep(ms);
    },
  };
}
