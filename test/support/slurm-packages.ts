import { execa } from "execa";
import { requireDebianPackages } from "./processes";

/** Debian's packages for a Slurm cluster on one machine (Slurm 22.05, munge). */
export const SLURM_PACKAGES = ["slurmctld", "slurmd", "slurm-client", "munge"] as const;
const PROGRAMS = ["slurmctld", "slurmd", "srun", "sinfo", "scontrol", "munged", "mungekey", "unshare"];

let installing: Promise<void> | undefined;

/** Installs the Slurm packages when a program is missing (as root), or fails with the exact command. */
export function ensureSlurmPackages(): Promise<void> {
  installing ??= requireDebianPackages(SLURM_PACKAGES, missing);
  return installing;
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
