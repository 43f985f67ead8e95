import { basename, dirname, join } from "node:path";

/** Names recover gives the things it leaves next to `~/.aws`; all start with `.aws.hpiam-`. */
export const BACKUP_PREFIX = ".aws.hpiam-backup-";
/** A `--delete` renames first (atomic), then removes: a leftover of this name is finished by the next run. */
export const DELETING_PREFIX = ".aws.hpiam-deleting-";
/** `~/.boto` moved aside with `~/.aws` (botocore signs with its [Credentials] keys too). */
export const BOTO_BACKUP_PREFIX = ".aws.hpiam-boto-";
/** A reboot recover still owes this node (src/recover/model/reboot-due.ts). */
export const REBOOT_DUE_NAME = ".aws.hpiam-reboot-due";

/** Beside a backup: `~/.aws`'s mode before the move made it 0700 (octal text), so that --undo restores it. */
export const MODE_PREFIX = ".aws.hpiam-mode-";

/** `<home>/.aws.hpiam-backup-<stamp>` → `<home>/.aws.hpiam-mode-<stamp>`. */
export function modeRecordOf(backup: string): string {
  return join(dirname(backup), MODE_PREFIX + basename(backup).slice(BACKUP_PREFIX.length));
}

/** `0755\n` → 0o755; anything else (a forged or truncated record) → undefined. */
export function parseModeRecord(text: string): number | undefined {
  const match = /^0?([0-7]{3})\n?$/.exec(text);
  return match?.[1] === undefined ? undefined : parseInt(match[1], 8);
}

export interface NamedCopy {
  name: string;
  /** UTC, `20261123T061500Z`: sorts as it reads. */
  stamp: string;
  /** 1 for the first of a second, 2 for `…Z-2`, … */
  serial: number;
}

/** `2026-11-23T06:15:00.123Z` → `20261123T061500Z`. */
export function utcStamp(date: Date): string {
  return date.toISOString().replace(/[-:]|\.\d+/g, "");
}

const STAMPED = /^(\d{8}T\d{6}Z)(?:-(\d{1,4}))?$/;

export function parseCopyName(name: string, prefix: string): NamedCopy | undefined {
  if (!name.startsWith(prefix)) return undefined;
  const match = STAMPED.exec(name.slice(prefix.length));
  if (!match?.[1]) return undefined;
  return { name, stamp: match[1], serial: match[2] === undefined ? 1 : Number(match[2]) };
}

/** The copies among a folder's entries, oldest first (by stamp, then serial: `-10` after `-9`). */
export function copiesIn(entries: readonly string[], prefix: string): NamedCopy[] {
  return entries
    .flatMap((name) => parseCopyName(name, prefix) ?? [])
    .sort((a, b) => (a.stamp === b.stamp ? a.serial - b.serial : a.stamp < b.stamp ? -1 : 1));
}

/** The first name for this stamp that no entry has: a second run in the same second gets `…Z-2`. */
export function freeCopyName(prefix: string, stamp: string, entries: readonly string[]): string {
  const taken = new Set(entries);
  for (let serial = 1; ; serial++) {
    const name = `${prefix}${stamp}${serial === 1 ? "" : `-${serial}`}`;
    if (!taken.has(name)) return name;
  }
}
