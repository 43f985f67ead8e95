import type { RunResult } from "../../context";
import { explainRefusal } from "../../connect/model/ssm-session";
import type { NodeAnswer } from "./engine";
import { firstLine, parseDocument, type ParsedDocument } from "./labelled-output";
import type { Attempt } from "./session-pacing";

/** What the reasons name: the cluster's ARN (ssm:StartSession's resource) and the HyperPod workshop's fix. */
export interface SessionContext {
  clusterArn: string;
  timeoutMs: number;
}

/**
 * The node's document out of what `aws ssm start-session` printed: the plugin's "Starting session with
 * SessionId" and "Exiting session" lines, \r\n line ends, terminal escapes and anything the node's shell said
 * before or after (parseDocument finds the document among them).
 */
export function sessionDocument(output: string): ParsedDocument {
  // eslint-disable-next-line no-control-regex -- terminal escapes are what is being removed
  const lines = output.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, "").split(/\r?\n|\r/);
  const said = lines.filter((line) => !/^(Starting|Exiting) session with/i.test(line.trim()));
  return parseDocument(said.join("\n"));
}

const THROTTLED = /ThrottlingException|Rate exceeded|TooManyRequests/;

/** One session's outcome as a node's answer (with what the session said on stderr), or throttled. */
export function judgeSession(name: string, result: RunResult, context: SessionContext): Attempt<NodeAnswer> {
  const attempt = judgeOutput(name, result, context);
  return "done" in attempt && result.stderr.trim()
    ? { done: { ...attempt.done, stderr: result.stderr } }
    : attempt;
}

function judgeOutput(name: string, result: RunResult, context: SessionContext): Attempt<NodeAnswer> {
  const parsed = sessionDocument(result.stdout);
  if ("document" in parsed) return { done: { name, document: parsed.document } };
  const said = firstLine(result.stderr);
  if (THROTTLED.test(result.stderr)) return { throttled: said };
  const refusal = explainRefusal(result.stderr, name)?.kind;
  if (refusal === "target-not-connected")
    return {
      done: {
        name,
        unavailable: "not-connected",
        notAsked: true,
        reason: `SSM cannot reach its agent (TargetNotConnected): it is stopped or rebooting, or \`aws configure\` as root made the agent sign as that IAM user. By hand: attach AmazonSSMManagedInstanceCore to that IAM user, then run this again; or ssh there and run \`sudo hpiam recover\`; or reboot it alone: aws sagemaker batch-reboot-cluster-nodes --cluster-name ${context.clusterArn} --node-ids <its instance id>`,
      },
    };
  if (refusal === "access-denied")
    return {
      done: {
        name,
        unavailable: "refused",
        notAsked: true,
        reason: `your identity may not start a session (AccessDenied): it needs ssm:StartSession on ${context.clusterArn} and on document AWS-StartNonInteractiveCommand`,
      },
    };
  if (refusal === "invalid-target")
    return {
      done: { name, unavailable: "unknown-node", notAsked: true, reason: `SSM does not know it: ${said}` },
    };
  if (result.timedOut)
    return {
      done: { name, unavailable: "no-answer", reason: `did not answer within ${context.timeoutMs / 1000} s` },
    };
  return {
    done: {
      name,
      unavailable: "not-hpiam",
      reason: `hpiam there ${parsed.problem}${said ? `; stderr: ${said}` : ""}`,
    },
  };
}

/** SSM still throttled after every attempt. */
export function throttledAnswer(name: string, said: string): NodeAnswer {
  return {
    name,
    unavailable: "no-answer",
    notAsked: true,
    reason: `SSM kept throttling StartSession (ThrottlingException); lower --rate and try again${said ? `: ${said}` : ""}`,
  };
}
