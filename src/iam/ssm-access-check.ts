import type { Context } from "../context";
import { parseArn } from "../identity/model/arn";
import { refusalOf } from "./model/call-refusal";
import { unusedName } from "./model/execution-role-audit";
import { listActions, type PermissionVerdict } from "./model/permission-verdicts";
import { permissionsOf, policyFor } from "./model/policy-template";
import { connectHeadAccess } from "./model/ssm-access-policies";
import { INSTALL_GUIDE, type SessionTool } from "../connect/model/ssm-session";
import { judgeCallerPermissions } from "./caller-permissions";
import { describeCluster, iamAsked } from "./find-execution-role";
import { checkSshHelperSetup } from "./ssh-helper-setup";
import type { IamDetails } from "../contract/check-details";
import { type Check, type CheckInput, type CheckOutcome, foldFindings } from "../diagnose/checks/check";

type Options = CheckInput["options"];

const NOT_ASKED: CheckOutcome = {
  status: "skip",
  message: "not asked: `hpiam diagnose --iam` checks what an SSM session to the nodes needs",
};

/**
 * What `connect-head` off the cluster needs: the two programs, ssm:StartSession, and SageMaker SSH Helper's IAM
 * and SSM setup.
 */
export const ssmAccess: Check<"ssm-access"> = {
  id: "ssm-access",
  title: "SSM access to the nodes",
  needs: "iam",
  async run({ options, facts }, ctx) {
    const onNode = await facts.onNode();
    if (!iamAsked(options) && onNode) return NOT_ASKED; // README: with --iam, or off the cluster
    const { region, identity } = await facts.identification();
    const aws = { profile: options.profile, region, ...(identity ? { account: identity.account } : {}) };
    // On a node connect-head uses ssh: the session programs and ssm:StartSession matter only off the cluster.
    const [tools, access, helper] = await Promise.all([
      onNode ? undefined : toolFindings(ctx),
      onNode ? undefined : accessFindings(ctx, { options, facts }, aws),
      checkSshHelperSetup(ctx, options, facts, aws),
    ]);
    const reach = access
      ? `aws and session-manager-plugin present; ${access.summary}`
      : "on a node connect-head uses ssh";
    const helperSummary =
      helper.details.sshHelper === true
        ? "SSH Helper setup complete"
        : "no SSH Helper setup on the execution role";
    return foldFindings(
      [...(tools?.findings ?? []), ...(access?.findings ?? []), ...helper.findings],
      { status: "pass", message: `${reach}; ${helperSummary}` },
      { ...(tools ? { tools: tools.found } : {}), ...access?.details, ...helper.details },
    );
  },
};

async function toolFindings(ctx: Context) {
  const names: SessionTool[] = ["aws", "session-manager-plugin"];
  const paths = await Promise.all(names.map((name) => ctx.exec.which(name)));
  const found = Object.fromEntries(names.map((name, i) => [name, paths[i] ?? null]));
  const findings: CheckOutcome[] = names
    .filter((_, i) => paths[i] === undefined)
    .map((name) => ({
      status: "fail",
      message: `${name} is not on PATH: connect-head --cluster needs it`,
      remediation: `install it: ${INSTALL_GUIDE[name]}`,
    }));
  return { found, findings };
}

async function accessFindings(
  ctx: Context,
  { options, facts }: { options: Options; facts: CheckInput["facts"] },
  aws: { profile?: string; region: string; account?: string },
): Promise<{ findings: CheckOutcome<IamDetails>[]; summary: string; details: IamDetails }> {
  const target = await clusterArn(ctx, options, facts);
  const { identity } = await facts.identification();
  if (!target.arn || !identity) {
    const message = target.arn ? "no caller identity to check ssm:StartSession for" : target.why;
    return { findings: [{ status: "skip", message, ...target.fix }], summary: "", details: {} };
  }
  const template = connectHeadAccess({
    partition: parseArn(identity.arn)?.partition ?? "aws",
    region: aws.region,
    account: identity.account,
    clusterArn: target.arn,
  });
  const required = permissionsOf(template);
  const judged = await judgeCallerPermissions(ctx, facts, required, aws);
  if (!judged.ok) return { findings: [judged.outcome], summary: "", details: { cluster: target.arn } };
  const { verdicts, principal, inline } = judged;
  const onCluster = verdicts.slice(0, 1);
  const others = verdicts.slice(1);
  const absent = (v: PermissionVerdict) => v.standing === "missing" || v.standing === "denied";
  const findings: CheckOutcome<IamDetails>[] = [];
  const fix = (missing: readonly PermissionVerdict[]) => {
    const wanted = required.filter((p) =>
      missing.some((m) => m.action === p.action && m.resource === p.resource),
    );
    return grantCommand(
      principal,
      unusedName("HyperPodSsmAccess", inline),
      JSON.stringify(policyFor(template, wanted)),
    );
  };
  if (onCluster.some(absent))
    findings.push({
      status: "fail",
      message: `${principal} may not ssm:StartSession on ${target.arn}`,
      remediation: fix(verdicts.filter(absent)),
    });
  else if (others.some(absent))
    findings.push({
      status: "warn",
      message: `${principal} may not ${listActions(others.filter(absent))} (ssh-config sessions, ending sessions)`,
      remediation: fix(others.filter(absent)),
    });
  const conditional = verdicts.filter((v) => v.standing === "conditional");
  if (conditional.length)
    findings.push({
      status: "warn",
      message: `${listActions(conditional)} allowed only under a condition hpiam does not evaluate`,
    });
  return {
    findings,
    summary: `${principal} may start and end sessions on ${target.arn}`,
    details: { cluster: target.arn, principal, permissions: verdicts },
  };
}

/** The cluster whose nodes a session would reach: --cluster, else this node's own. */
async function clusterArn(
  ctx: Context,
  options: Options,
  facts: CheckInput["facts"],
): Promise<{ arn?: string; why: string; fix?: { remediation: string } }> {
  if (options.cluster !== undefined) {
    const answer = await describeCluster(ctx, { ...options, cluster: options.cluster }, facts);
    if (answer.ok) return { arn: answer.value.arn, why: "" };
    return {
      why: `cluster ${options.cluster}: ${refusalOf(answer.error, "sagemaker:DescribeCluster").message}`,
    };
  }
  const node = await facts.node();
  if (node.state === "found" && node.summary.clusterArn) return { arn: node.summary.clusterArn, why: "" };
  return {
    why: "no cluster to check ssm:StartSession on",
    fix: { remediation: "hpiam diagnose --iam --cluster NAME" },
  };
}

/** An inline policy on the caller's role or user that grants what is missing. */
function grantCommand(principalArn: string, policyName: string, document: string): string {
  const resource = parseArn(principalArn)?.resource ?? "";
  const [kind, ...rest] = resource.split("/");
  const name = rest[rest.length - 1] ?? "<NAME>";
  const flag = kind === "user" ? "user" : "role";
  return `aws iam put-${flag}-policy --${flag}-name ${name} --policy-name ${policyName} --policy-document '${document}'`;
}
