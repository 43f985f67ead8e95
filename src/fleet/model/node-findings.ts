import type { CallerIdentityDetails } from "../../contract/check-details";
import { type CheckId, detailsOf, type DiagnoseResult } from "../../contract/diagnose";
import type { SourceDocument } from "../../contract/whoami";
import { describeSource, type VerdictStatus } from "../../identity/model/verdict";

/** What the report shows of one node's document: verdict, identity, where its keys come from, failed checks. */
export interface NodeFinding {
  /** whoami's verdict; a diagnose document is told in whoami's words where its checks say which, else `unhealthy`. */
  verdict: VerdictStatus | "unhealthy";
  /** The ARN the node signs as. */
  identity: string | null;
  /** Which link of the chain supplied the keys, in words (`static keys in /home/ubuntu/.aws/credentials …`). */
  source: string | null;
  /** The masked access key id of local static keys (`AKIA…WXYZ`). */
  accessKeyId: string | null;
  failing: string[];
  /** The mount point of a shared filesystem (Lustre, NFS) the node's home is on, when it is. */
  sharedHome: string | null;
  /** What root's keys break on the node's SSM agent, where root-credentials fails: one agent's connection, not another's. */
  agentImpact: string | null;
  /** Since when a reboot is due there (keys moved aside without one): healthy or not, processes hold old keys. */
  rebootDue: string | null;
  /** Why the node is not healthy, in its own words (a broken chain's error, a check's message); null when healthy. */
  reason: string | null;
}

/**
 * diagnose's verdict, identity, key source and failing checks. Keys in any user's home count (other-users,
 * with --all-users): recover moves a home's keys whether or not its default profile uses them, so a node
 * whose users hold keys is not healthy even where that check only warns.
 */
export function diagnoseFinding(doc: DiagnoseResult): NodeFinding {
  const others = doc.checks.find((check) => check.id === "other-users");
  const otherKeys = others !== undefined && others.status === "warn";
  const failed = doc.checks.filter(
    (check) => check.status === "fail" || check.status === "error" || (otherKeys && check === others),
  );
  const failing = failed.map((check) => check.id);
  const caller = detailsOf(doc, "caller-identity");
  const home = detailsOf(doc, "shared-home");
  const summary = otherKeys && doc.summary.status === "healthy" ? "unhealthy" : doc.summary.status;
  const verdict = diagnoseVerdict(summary, failing, caller && "problem" in caller ? caller.problem : null);
  // The caller's chain first: a broken one is why nothing else could be told.
  const why = failed.find((check) => check.id === "caller-identity") ?? failed[0];
  return {
    verdict,
    identity: caller && "arn" in caller ? caller.arn : null,
    ...sourceOf(detailsOf(doc, "credential-source") ?? null),
    failing,
    sharedHome: home?.shared ? home.mountPoint : null,
    agentImpact: failing.includes("root-credentials")
      ? (detailsOf(doc, "root-credentials")?.agentImpact ?? null)
      : null,
    rebootDue: detailsOf(doc, "aws-files")?.rebootDueSince ?? null,
    reason: verdict === "healthy" ? null : (why?.message ?? null),
  };
}

type CallerIdentityProblem = Extract<CallerIdentityDetails, { problem: string }>["problem"];

/** diagnose's summary in whoami's words, where its checks say which. */
function diagnoseVerdict(
  summary: DiagnoseResult["summary"]["status"],
  failing: readonly CheckId[],
  problem: CallerIdentityProblem | null,
): NodeFinding["verdict"] {
  if (summary === "healthy") return summary;
  // STS's answer first, as whoami tells it: no credentials is no-credentials even where no other check decided.
  if (problem === "broken-chain") return "broken";
  if (problem === "no-credentials") return "no-credentials";
  if (summary === "unknown") return summary;
  return failing.includes("credential-source") ? "overridden" : "unhealthy";
}

function sourceOf(source: SourceDocument | null): Pick<NodeFinding, "source" | "accessKeyId"> {
  if (!source) return { source: null, accessKeyId: null };
  return {
    source: describeSource(source),
    accessKeyId: source.local && source.longTerm ? source.accessKeyId : null,
  };
}
