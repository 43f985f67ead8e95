import { execa } from "execa";
import { chmod, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, waitFor } from "./processes";
import { ensureSlurmPackages } from "./slurm-packages";

export interface SlurmCluster {
  dir: string;
  nodes: string[];
  /** SLURM_CONF (and PATH) for srun, sinfo and scontrol, and for hpiam fleet, which runs them. */
  env: Record<string, string>;
  /** What each node's TaskProlog applies to its tasks: `export NAME=value` lines. */
  setNodeEnv(node: string, vars: Record<string, string>): Promise<void>;
  /** Runs a Slurm client (scontrol, sinfo, srun) against this cluster. */
  client(argv: string[]): Promise<{ exitCode: number; stdout: string; stderr: string }>;
  /** Node names the RebootProgram was run on, in order. */
  reboots(): Promise<string[]>;
  /** With no RebootProgram, `scontrol reboot` refuses ("RebootProgram isn't defined"); slurmctld rereads it. */
  defineRebootProgram(defined: boolean): Promise<void>;
  stop(): Promise<void>;
}

const SYSTEM_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/** A folder of this machine mounted over another path in one node only: that node's own disk. */
export interface NodeBind {
  from: string;
  to: string;
}

/**
 * A real Slurm cluster on this machine: munged, slurmctld, and one slurmd per node, each in its own UTS and
 * mount namespaces, so that `hostname` is the node's name, `binds` give it folders of its own at paths every node
 * has (local homes), and it has a boot of its own (its boot id and boot time, which its RebootProgram renews).
 * Every file is in one temp folder; stop() ends the daemons by the pids they wrote.
 */
export async function startSlurmCluster(
  nodes: string[],
  binds: Record<string, NodeBind[]> = {},
): Promise<SlurmCluster> {
  await ensureSlurmPackages();
  const dir = await mkdtemp(join(tmpdir(), "hpiam-slurm-"));
  await chmod(dir, 0o755); // munged refuses a socket in a folder others cannot search
  const path = (name: string) => join(dir, name);
  const conf = path("slurm.conf");
  const env = { SLURM_CONF: conf, PATH: SYSTEM_PATH };
  const cluster: SlurmCluster = {
    dir,
    nodes,
    env,
    async setNodeEnv(node, vars) {
      const lines = Object.entries(vars).map(([name, value]) => `export ${name}=${value}`);
      await writeFile(path(`env-${node}`), `${lines.join("\n")}\n`);
    },
    async client(argv) {
      const [command = "", ...args] = argv;
      const result = await execa(command, args, { env, extendEnv: false, reject: false, timeout: 30_000 });
      return { exitCode: result.exitCode ?? -1, stdout: result.stdout, stderr: result.stderr };
    },
    async reboots() {
      const text = await readFile(path("reboots.log"), "utf8").catch(() => "");
      return text.split("\n").filter(Boolean);
    },
    async defineRebootProgram(defined) {
      const text = await readFile(conf, "utf8");
      const line = `RebootProgram=${dir}/reboot-program`;
      const without = text.replace(/^#?RebootProgram=.*$/m, defined ? line : `#${line}`);
      await writeFile(conf, without);
      const answer = await cluster.client(["scontrol", "reconfigure"]);
      if (answer.exitCode !== 0) throw new Error(`scontrol reconfigure: ${answer.stderr}`);
    },
    stop: () => stopDaemons(dir, nodes),
  };
  try {
    await writeFile(path("reboots.log"), "");
    await writeScripts(dir, conf);
    for (const node of nodes) {
      const lines = (binds[node] ?? []).map(({ from, to }) => `mount --bind '${from}' '${to}'`);
      await writeFile(path(`binds-${node}`), `${lines.join("\n")}\n`);
    }
    await writeFile(conf, await slurmConf(dir, nodes));
    await execa("mungekey", ["-c", "-f", "-k", path("munge.key")]);
    await execa("munged", [
      `--socket=${path("munge.sock")}`,
      `--key-file=${path("munge.key")}`,
      `--pid-file=${path("munged.pid")}`,
      `--log-file=${path("munged.log")}`,
      `--seed-file=${path("munged.seed")}`,
    ]);
    await execa("slurmctld", ["-f", conf], { env, extendEnv: false });
    for (const node of nodes) await execa(path("start-slurmd"), [node], { env, extendEnv: false });
    await waitFor(
      async () => {
        const { stdout } = await cluster.client(["sinfo", "-h", "-N", "-o", "%N %T"]);
        return nodes.every((node) => new RegExp(`^${node} idle$`, "m").test(stdout));
      },
      30_000,
      `slurm nodes ${nodes.join(",")}`,
    );
    return cluster;
  } catch (error) {
    const log = await readFile(path("slurmctld.log"), "utf8").catch(() => "");
    await cluster.stop();
    throw new Error(`${(error as Error).message}\nslurmctld.log (last lines):\n${log.slice(-2000)}`);
  }
}

async function slurmConf(dir: string, nodes: string[]): Promise<string> {
  const host = (await execa("hostname", ["-s"])).stdout.trim();
  const ports = await Promise.all(nodes.map(() => freePort()));
  return [
    "ClusterName=hpiamtest",
    `SlurmctldHost=${host}(127.0.0.1)`,
    `SlurmctldPort=${await freePort()}`,
    `AuthInfo=socket=${dir}/munge.sock`,
    "SlurmUser=root",
    "SlurmdUser=root",
    `StateSaveLocation=${dir}/state`,
    `SlurmdSpoolDir=${dir}/spool-%n`,
    `SlurmctldPidFile=${dir}/slurmctld.pid`,
    `SlurmdPidFile=${dir}/slurmd-%n.pid`,
    `SlurmctldLogFile=${dir}/slurmctld.log`,
    `SlurmdLogFile=${dir}/slurmd-%n.log`,
    "ProctrackType=proctrack/linuxproc",
    "TaskPlugin=task/none",
    "SelectType=select/cons_tres",
    "MpiDefault=none",
    "MailProg=/bin/true",
    "ReturnToService=2",
    "ResumeTimeout=60",
    `TaskProlog=${dir}/task-prolog`,
    `RebootProgram=${dir}/reboot-program`,
    ...nodes.map(
      (node, i) =>
        `NodeName=${node} NodeHostname=localhost NodeAddr=127.0.0.1 Port=${ports[i]} CPUs=1 State=UNKNOWN`,
    ),
    `PartitionName=main Nodes=${nodes.join(",")} Default=YES MaxTime=INFINITE State=UP`,
    "",
  ].join("\n");
}

async function writeScripts(dir: string, conf: string): Promise<void> {
  const scripts: Record<string, string> = {
    // Each node's tasks get that node's variables (HOME, endpoints): the nodes differ as real ones do.
    "task-prolog": `#!/bin/sh\ncat "${dir}/env-$SLURMD_NODENAME" 2>/dev/null\nexit 0\n`,
    // slurmd in UTS and mount namespaces of its own: its tasks' hostname is the node's name, its binds are its
    // own disk, and /proc's boot id and boot time are its own boot's (kept in boot-NODE/).
    "start-slurmd": `#!/bin/sh
exec unshare --uts --mount --propagation private sh -c '
  hostname "$1" && boot="$3/boot-$1" && mkdir -p "$boot" || exit 1
  [ -f "$boot/boot_id" ] || cat /proc/sys/kernel/random/uuid > "$boot/boot_id"
  [ -f "$boot/stat" ] || cat /proc/stat > "$boot/stat"
  mount --bind "$boot/boot_id" /proc/sys/kernel/random/boot_id && mount --bind "$boot/stat" /proc/stat || exit 1
  . "$3/binds-$1" || exit 1
  exec slurmd -f "$4" -N "$1" $2' sh "$1" "$2" "${dir}" "${conf}"
`,
    // The machine does not reboot: log, renew this node's boot id and boot time (written in place: /proc
    // shows these files), then restart its slurmd reporting a fresh boot (-b). A boot takes time: its boot time
    // (whole seconds) is after the moment the reboot was asked for, as on a real node.
    "reboot-program": `#!/bin/sh
node=$(hostname)
boot="${dir}/boot-$node"
echo "$node" >> "${dir}/reboots.log"
sleep 1
cat /proc/sys/kernel/random/uuid > "$boot/boot_id.new" && cat "$boot/boot_id.new" > "$boot/boot_id"
sed "s/^btime .*/btime $(date +%s)/" "$boot/stat" > "$boot/stat.new" && cat "$boot/stat.new" > "$boot/stat"
setsid sh -c 'kill "$(cat "$1/slurmd-$2.pid")"; sleep 1; exec slurmd -f "$3" -N "$2" -b' sh "${dir}" "$node" "${conf}" </dev/null >/dev/null 2>&1 &
exit 0
`,
  };
  for (const [name, text] of Object.entries(scripts)) {
    await writeFile(join(dir, name), text);
    await chmod(join(dir, name), 0o755);
  }
}

async function stopDaemons(dir: string, nodes: string[]): Promise<void> {
  const pidFiles = [...nodes.map((node) => `slurmd-${node}.pid`), "slurmctld.pid", "munged.pid"];
  const pids: number[] = [];
  for (const name of pidFiles) {
    const pid = Number((await readFile(join(dir, name), "utf8").catch(() => "")).trim());
    if (!Number.isInteger(pid) || pid <= 0) continue;
    try {
      process.kill(pid, "SIGTERM");
      pids.push(pid);
    } catch {
      // already gone
    }
  }
  await waitFor(
    async () => !(await Promise.all(pids.map(running))).some(Boolean),
    10_000,
    "slurm stop",
  ).catch(() => pids.forEach((pid) => process.kill(pid, "SIGKILL")));
  await rm(dir, { recursive: true, force: true });
}

/** Gone, or a zombie that PID 1 has not reaped yet. */
async function running(pid: number): Promise<boolean> {
  const status = await readFile(`/proc/${pid}/status`, "utf8").catch(() => "");
  return status !== "" && !/^State:\s+Z/m.test(status);
}
