import { placesInHome } from "../../recover/model/key-places";
import { startupFileFix } from "../../recover/model/manual-fixes";
import { shellWord } from "../../shell/model/shell-words";
import { type AwsDirFinding, scanAwsDir } from "../../identity/aws-dir";
import { allUserHomes } from "../../node/homes";
import { readShellStartup } from "../../shell/find-exports";
import { describePlace, describeWhere, readBy, holdsKeys } from "../../identity/model/key-inventory";
import { type Check, type CheckOutcome, foldFindings } from "./check";
import { describeExport } from "./environment";

const NOT_ASKED: CheckOutcome = {
  status: "skip",
  message: "not asked: `sudo hpiam diagnose --all-users` scans every user's home",
};

const UNLISTED_FIX = "name each domain user: sudo hpiam recover --dry-run --user NAME";

/** With --all-users (root): keys in every user's home from the user database, shared homes included. */
export const otherUsers: Check<"other-users"> = {
  id: "other-users",
  title: "Other users' AWS credentials",
  needs: "root",
  unprivileged: async () => NOT_ASKED,
  async run({ options }, ctx) {
    if (!options.allUsers) return NOT_ASKED;
    const { homes, unlisted } = await allUserHomes(ctx);
    const scanned = await Promise.all(
      homes.map(async (home) => ({
        ...home,
        scan: await scanAwsDir(ctx, home.home),
        // As the user's own login shell reads them (bash or zsh): the environment check's reading of its home.
        startup: await readShellStartup(ctx, home.home, {
          system: false,
          user: home.user,
          shell: home.shell,
        }),
      })),
    );
    const findings: CheckOutcome[] = [];
    for (const { user, scan, startup } of scanned) {
      if (cannotRead(scan)) {
        findings.push({
          status: "error",
          message: `${user}: root cannot read ${scan.dir} (permission denied: a root-squashed NFS home?)`,
          remediation: `sudo -u ${shellWord(user)} -H hpiam diagnose`,
        });
      }
      for (const place of placesInHome(scan.inventory.places, scan.home)) {
        const used = readBy(place, "default");
        if (!used && !holdsKeys(place)) continue;
        findings.push({
          status: used ? "fail" : "warn",
          message: `${user}: ${describePlace(place)} in ${describeWhere(place)}`,
          remediation: "sudo hpiam recover --all-users",
        });
      }
      const keyLines = startup.exports.filter((line) => line.credential);
      for (const path of new Set(keyLines.map((line) => line.path))) {
        const lines = keyLines.filter((line) => line.path === path);
        findings.push({
          status: "fail",
          message: `${user}: ${lines.map((line) => describeExport(line)).join(", ")}`,
          remediation: startupFileFix(path, lines).command,
        });
      }
      // What another user's new shell may export by a form hpiam cannot follow: never "no keys".
      for (const { path, line, why } of startup.undecided) {
        findings.push({
          status: "error",
          message: `${user}: cannot tell what ${path}:${line} exports: ${why}`,
          remediation: `review ${path}:${line} by hand`,
        });
      }
    }
    if (unlisted) {
      // Keys in a home nobody looked at are not "no keys": the check cannot pass.
      findings.push({
        status: "error",
        message: `looked only at the ${scanned.length} home(s) the user database lists: ${unlisted}`,
        remediation: UNLISTED_FIX,
      });
    }
    const details = {
      unlisted: unlisted ?? null,
      homes: scanned.map(({ user, home, scan, startup }) => ({
        user,
        home,
        readable: !cannotRead(scan),
        profiles: placesInHome(scan.inventory.places, scan.home),
        startupLines: startup.exports.map(({ path, line, variable }) => ({ path, line, variable })),
        undecided: startup.undecided,
      })),
    };
    const names = scanned.map((home) => home.user).join(", ");
    return foldFindings(
      findings,
      { status: "pass", message: `no AWS credentials in ${scanned.length} home(s): ${names || "none"}` },
      details,
    );
  },
};

/** Root was refused the home or its AWS files: what they hold is unknown, never "no keys". */
function cannotRead(scan: AwsDirFinding): boolean {
  return scan.accessDenied || scan.files.some((file) => file.readError === "EACCES");
}
