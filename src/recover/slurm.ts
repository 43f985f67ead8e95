import type { Context } from "../context";
import type { SlurmState } from "./model/recovery-survey";

const SQUEUE_TIMEOUT_MS = 10_000;

/**
 * Jobs running on this node, asked of Slurm before a reboot would kill them; undefined off Slurm (no squeue).
 * The node's Slurm name is its short host name (on HyperPod `ip-a-b-c-d`, from its CustomerIpAddress).
 */
export async function slurmState(ctx: Context): Promise<SlurmState | undefined> {
  if (!(await ctx.exec.which("squeue"))) return undefined;
  const node = await nodeName(ctx);
  if (!node) return { node: "?", error: "this node's Slurm name is unknown (hostname -s failed)" };
  const answer = await ctx.exec
    .run(["squeue", "-h", "-w", node, "-t", "RUNNING", "-o", "%i"], { timeoutMs: SQUEUE_TIMEOUT_MS })
    .catch((error: Error) => ({ exitCode: -1, stdout: "", stderr: error.message, timedOut: false }));
  if (answer.timedOut) return { node, error: `squeue did not answer within ${SQUEUE_TIMEOUT_MS / 1000} s` };
  if (answer.exitCode !== 0) {
    return {
      node,
      error: `squeue failed: ${answer.stderr.trim().split("\n")[0] || `exit ${answer.exitCode}`}`,
    };
  }
  return { node, runningJobs: answer.stdout.split("\n").filter((line) => line.trim()).length };
}

async function nodeName(ctx: Context): Promise<string | undefined> {
  const answer = await ctx.exec.run(["hostname", "-s"], { timeoutMs: 5000 }).catch(() => undefined);
  const name = answer?.exitCode === 0 ? answer.stdout.trim() : "";
  if (/^[\w.-]+$/.test(name)) return name;
  const ip = (await ctx.imds.describe()).localIpv4;
  return ip && /^\d+(\.\d+){3}$/.test(ip) ? `ip-${ip.replace(/\./g, "-")}` : undefined;
}
