import type { Context } from "../context";
import type { SlurmState } from "./model/recovery-survey";

const SQUEUE_TIMEOUT_MS = 10_000;

/**
 * Jobs running on this node, asked of Slurm before a reboot would kill them; undefined off Slurm (no squeue).
 * The node's Slurm name is its short host name (on HyperPod `ip-a-b-c-d`, from its CustomerIpAddress). The job
 * hpiam itself runs in (`hpiam fleet`'s srun, `SLURM_JOB_ID`) is not counted: it ends when hpiam does.
 */
export async function slurmState(ctx: Context): Promise<SlurmState | undefined> {
  if (!(await ctx.exec.which("squeue"))) return undefined;
  const node = await nodeName(ctx);
  if (!node) return { node: "?", error: "this node's Slurm name is unknown (hostname -s failed)" };
  const answer = await ctx.exec
    // %A: each job's own id (an array's elements too), as SLURM_JOB_ID names it.
    .run(["squeue", "-h", "-w", node, "-t", "RUNNING", "-o", "%A"], { timeoutMs: SQUEUE_TIMEOUT_MS })
    .catch((error: Error) => ({ exitCode: -1, stdout: "", stderr: error.message, timedOut: false }));
  if (answer.timedOut) return { node, error: `squeue did not answer within ${SQUEUE_TIMEOUT_MS / 1000} s` };
  if (answer.exitCode !== 0) {
    return {
      node,
      error: `squeue failed: ${answer.stderr.trim().split("\n")[0] || `exit ${answer.exitCode}`}`,
    };
  }
  const ownJob = ctx.env.SLURM_JOB_ID ?? ctx.env.SLURM_JOBID;
  const jobs = answer.stdout
    .split("\n")
    .map((line) => line.trim())
    .filter((id) => id && id !== ownJob);
  return { node, runningJobs: jobs.length };
}

async function nodeName(ctx: Context): Promise<string | undefined> {
  const answer = await ctx.exec.run(["hostname", "-s"], { timeoutMs: 5000 }).catch(() => undefined);
  const name = answer?.exitCode === 0 ? answer.stdout.trim() : "";
  if (/^[\w.-]+$/.test(name)) return name;
  const ip = (await ctx.imds.describe()).localIpv4;
  return ip && /^\d+(\.\d+){3}$/.test(ip) ? `ip-${ip.replace(/\./g, "-")}` : undefined;
}
