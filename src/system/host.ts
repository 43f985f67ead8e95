import { readFile } from "node:fs/promises";
import { hostname } from "node:os";
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
    alive(pid) {
      try {
        process.kill(pid, 0); // signal 0: only asks whether the process exists
        return true;
      } catch (error) {
        return (error as NodeJS.ErrnoException).code === "EPERM"; // exists, but is another user's
      }
    },
  };
}
