/**
 * What recover could not look at, so cannot vouch for: users the user database does not list (SSSD without
 * enumeration). Named with the command that reaches them; the run exits 1 while any is left.
 */
export interface NotLookedAt {
  /** null: users the database did not name. */
  user: string | null;
  home: string | null;
  why: string;
  command: string;
}

/** `--all-users` saw only the users getent passwd lists. */
export function unlistedUsers(unlisted: string | undefined, undo: boolean): NotLookedAt[] {
  if (!unlisted) return [];
  const command = `sudo hpiam recover${undo ? " --undo" : ""} --user NAME`;
  return [{ user: null, home: null, why: `users the user database does not list: ${unlisted}`, command }];
}
