import { shellWord } from "../../shell/model/shell-words";
import type { HomeSurvey } from "./recovery-survey";

/**
 * What an `--all-users` run could not look at or change, each with the command that does it: users the user
 * database does not list (SSSD without enumeration), homes root cannot read (a root-squashed NFS home), and, for
 * --undo, homes whose `~/.aws` is back. The run exits 1 while any is left; the other homes go ahead.
 */
export interface NotDone {
  /** null: users the database did not name. */
  user: string | null;
  home: string | null;
  why: string;
  command: string;
}

/** `--all-users` saw only the users getent passwd lists. */
export function unlistedUsers(unlisted: string | undefined, undo: boolean): NotDone[] {
  if (!unlisted) return [];
  const command = `sudo hpiam recover${undo ? " --undo" : ""} --user NAME`;
  return [{ user: null, home: null, why: `users the user database does not list: ${unlisted}`, command }];
}

/** Splits the homes of an `--all-users` run into those it can act on and those it leaves, named. */
export function setAsideHomes(
  homes: readonly HomeSurvey[],
  undo: boolean,
): { homes: HomeSurvey[]; notDone: NotDone[] } {
  const kept: HomeSurvey[] = [];
  const notDone: NotDone[] = [];
  for (const home of homes) {
    const why = whyNot(home, undo);
    if (why) notDone.push({ user: home.user, home: home.home, ...why });
    else kept.push(home);
  }
  return { homes: kept, notDone };
}

function whyNot(home: HomeSurvey, undo: boolean): { why: string; command: string } | undefined {
  const user = shellWord(home.user);
  const path = home.awsDir.path;
  const denied = home.awsDir.accessDenied || home.unreadableFiles?.some((file) => file.code === "EACCES");
  if (denied) {
    // On root-squashed NFS root is nobody there; the owner, through sudo, can still read and change it.
    return {
      why: `root cannot read ${path} (permission denied: a root-squashed NFS home?)`,
      command: `sudo -u ${user} -H hpiam recover${undo ? " --undo" : ""}`,
    };
  }
  const latest = home.backups.at(-1);
  if (undo && latest && home.awsDir.kind !== "absent") {
    return {
      why: `${path} exists again, so ${latest.path} cannot be put back`,
      command: `mv ${shellWord(path)} ${shellWord(`${path}.old`)} && sudo hpiam recover --undo --user ${user}`,
    };
  }
  return undefined;
}
