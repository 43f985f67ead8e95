import type { CredentialSource } from "../identity/credential-source";
import { printable } from "../domain/printable";
import { describeSource } from "../identity/verdict";
import { type Doc, record, text } from "./document-fields";

/** What the report shows of one node's document: verdict, identity, where its keys come from, failed checks. */
export interface NodeFinding {
  /** healthy, overridden, mismatch, broken, no-credentials, unknown (whoami); diagnose adds unhealthy. */
  verdict: string;
  /** The ARN the node signs as. */
  identity: string | null;
  /** Which link of the chain supplied the keys, in words (`static keys in /home/ubuntu/.aws/credentials …`). */
  source: string | null;
  /** The masked access key id of local static keys (`AKIA…WXYZ`). */
  accessKeyId: string | null;
  failing: string[];
  /** The mount point of a shared filesystem (Lustre, NFS) the node's home is on, when it is. */
  sharedHome: string | null;
}

/** Reads a node's whoami or diagnose document; a document of another shape reads as `unknown`. */
export function findingOf(document: unknown): NodeFinding {
  const doc = record(document) ?? {};
  return Array.isArray(doc.checks) ? diagnoseFinding(doc) : whoamiFinding(doc);
}

function whoamiFinding(doc: Doc): NodeFinding {
  const source = sourceOf(record(doc.credentialSource));
  return {
    verdict: text(record(doc.verdict)?.status) ?? "unknown",
    identity: text(record(doc.identity)?.arn),
    ...source,
    failing: [],
    sharedHome: null,
  };
}

function diagnoseFinding(doc: Doc): NodeFinding {
  const checks = (doc.checks as unknown[]).map(record).filter((check): check is Doc => check !== undefined);
  const check = (id: string) => checks.find((c) => c.id === id);
  const failing = checks
    .filter((c) => c.status === "fail" || c.status === "error")
    .map((c) => text(c.id) ?? "?");
  const identityDetails = record(check("caller-identity")?.details);
  const home = record(check("shared-home")?.details);
  const verdict = diagnoseVerdict(text(record(doc.summary)?.status), failing, identityDetails?.problem);
  return {
    verdict,
    identity: text(identityDetails?.arn),
    ...sourceOf(record(check("credential-source")?.details)),
    failing,
    sharedHome: home?.shared === true ? text(home.mountPoint) : null,
  };
}

/** diagnose's summary in whoami's words, where its checks say which. */
function diagnoseVerdict(summary: string | null, failing: string[], problem: unknown): string {
  if (summary === "healthy" || summary === "unknown") return summary;
  if (problem === "broken-chain") return "broken";
  if (failing.includes("credential-source")) return "overridden";
  return problem === "no-credentials" ? "no-credentials" : "unhealthy";
}

function sourceOf(details: Doc | undefined): Pick<NodeFinding, "source" | "accessKeyId"> {
  if (typeof details?.method !== "string") return { source: null, accessKeyId: null };
  const source = details as unknown as CredentialSource;
  return {
    source: printable(describeSource(source)),
    accessKeyId: source.local && source.longTerm ? text(source.accessKeyId) : null,
  };
}
