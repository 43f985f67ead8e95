import type { Context } from "../context";
import { INSTALL_GUIDE, type SessionTool } from "./model/ssm-session";
import { CannotRunError, UsageError } from "../errors";

/** An SSM session needs the AWS CLI and the Session Manager plugin here; where to get them, with the command. */
export async function requireSessionTools(ctx: Context, command: readonly string[]): Promise<void> {
  const tools: SessionTool[] = ["aws", "session-manager-plugin"];
  const found = await Promise.all(tools.map((tool) => ctx.exec.which(tool)));
  const missing = tools.filter((_, i) => found[i] === undefined);
  if (missing.length === 0) return;
  throw new CannotRunError(
    `${missing.join(" and ")} ${missing.length > 1 ? "are" : "is"} not installed (not on PATH): an SSM session needs ${missing.length > 1 ? "them" : "it"}`,
    `Install ${missing.map((tool) => `${tool}: ${INSTALL_GUIDE[tool]}`).join("; ")}. Then run: ${command.join(" ")}`,
    "missing-session-tools",
  );
}

const NAME = /^[A-Za-z0-9](-*[A-Za-z0-9]){0,62}$/;
const CLUSTER_ARN = /^arn:aws[a-z-]*:sagemaker:[a-z0-9-]*:\d{12}:cluster\/[A-Za-z0-9-]+$/;

/** --cluster NAME|ARN and --group NAME, as SageMaker spells them (both end up in an SSM target). */
export function validateClusterFlags(cluster: string | undefined, group: string | undefined): void {
  if (cluster !== undefined && !NAME.test(cluster) && !CLUSTER_ARN.test(cluster))
    throw new UsageError(
      `--cluster: "${cluster}" is neither a cluster name nor a cluster ARN`,
      "Give a name like ml-cluster or an ARN like arn:aws:sagemaker:us-west-2:123456789012:cluster/aa11bbbbb222.",
    );
  if (group !== undefined && !NAME.test(group))
    throw new UsageError(
      `--group: "${group}" is not an instance group name`,
      "Give a name as DescribeCluster lists it, like worker-group-1.",
    );
}
