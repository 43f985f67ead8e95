import { execa } from "execa";

/** Debian's packages for a Slurm cluster on one machine (Slurm 22.05, munge). */
export const SLURM_PACKAGES = ["slurmctld", "slurmd", "slurm-client", "munge"] as const;
const PROGRAMS = ["slurmctld", "slurmd", "srun", "sinfo", "scontrol", "munged", "mungekey", "unshare"];
const INSTALL = ["apt-get", "install", "-y", "--no-install-recommends", ...SLURM_PACKAGES];

let installing: Promise<void> | undefined;

/** Installs the Slurm packages when a program is missing (as root), or fails with the exact command. */
export function ensureSlurmPackages(): Promise<void> {
  installing ??= install();
  return installing;
}

async function install(): Promise<void> {
  if ((await missing()).length === 0) return;
  const command = `apt-get update && ${INSTALL.join(" ")}`;
  if (process.getuid?.() !== 0) {
    throw new Error(`the Slurm tests need ${(await missing()).join(", ")}: run as root: ${command}`);
  }
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  const update = await execa("apt-get", ["update"], { env, reject: false, all: true });
  const [file = "", ...args] = INSTALL;
  const result = await execa(file, args, { env, reject: false, all: true });
  const still = await missing();
  if (update.exitCode !== 0 || result.exitCode !== 0 || still.length > 0) {
    throw new Error(`could not install the Slurm packages (${command}):\n${result.all ?? update.all ?? ""}`);
  }
}

async function missing(): Promise<string[]> {
  const found = await Promise.all(
    PROGRAMS.map(
      async (name) =>
        (await execa("sh", ["-c", 'command -v "$1"', "sh", name], { reject: false })).exitCode === 0,
    ),
  );
  return PROGRAMS.filter((_, i) => !found[i]);
}
