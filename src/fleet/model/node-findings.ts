import type { CallerIdentityDetails } from "../../contract/check-details";
import { type CheckId, detailsOf, type DiagnoseResult } from "../../contract/diagnose";
import type { SourceDocument, WhoamiResult } from "../../contract/whoami";
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
}

export function whoamiFinding(doc: WhoamiResult): NodeFinding {
  return {
    verdict: doc.verdict.status,
    identity: doc.identity?.arn ?? null,
    ...sourceOf(doc.credentialSource),
    failing: [],
    sharedHome: null,
    agentImpact: null,
    rebootDue: null,
  };
}

export function diagnoseFinding(doc: DiagnoseResult): NodeFinding {
  const failing = doc.checks
    .filter((check) => check.status === "fail" || check.status === "error")
    .map((check) => check.id);
  const caller = detailsOf(doc, "caller-identity");
  const home = detailsOf(doc, "shared-home");
  return {
    verdict: diagnoseVerdict(
      doc.summary.status,
      failing,
      caller && "problem" in caller ? caller.problem : null,
    ),
    identity: caller && "arn" in caller ? caller.arn : null,
    ...sourceOf(detailsOf(doc, "credential-source") ?? null),
    failing,
    sharedHome: home?.shared ? home.mountPoint : null,
    agentImpact: failing.includes("root-credentials")
      ? (detailsOf(doc, "root-credentials")?.agentImpact ?? null)
      : null,
    rebootDue: detailsOf(doc, "aws-files")?.rebootDueSince ?? null,
  };
}

type CallerIdentityProblem = Extract<CallerIdentityDetails, { problem: string }>["problem"];

/** diagnose's summary in whoami's words, where its checks say which. */
function diagnoseVerdict(
  summary: DiagnoseResult["summary"]["status"],
  failing: readonly CheckId[],
  problem: CallerIdentityProblem | null,
): NodeFinding["verdict"] {
  if (summary === "healthy" || summary === "unknown") return summary;
  if (problem === "broken-chain") return "broken";
  if (failing.includes("credential-source")) return "overridden";
  return problem === "no-credentials" ? "no-credentials" : "unhealthy";
}

function sourceOf(source: SourceDocument | null): Pick<NodeFinding, "source" | "accessKeyId"> {
  if (!source) return { source: null, accessKeyId: null };
  return {
    source: describeSource(source),
    accessKeyId: source.local && source.longTerm ? source.accessKeyId : null,
  };
}
