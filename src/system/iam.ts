import type { IAMClient } from "@aws-sdk/client-iam";
import type { AwsAnswer, AwsOptions, IamPort, Logger, SimulatedDecision } from "../context";
import { AWS_HTTP_TIMEOUTS, toCallError } from "./aws";

/** A role has a handful of policies; this bounds a runaway listing all the same. */
const MAX_PAGES = 20;

// The IAM client is large: it is loaded only when an --iam check runs.
const loadSdk = () => import("@aws-sdk/client-iam");
type Sdk = Awaited<ReturnType<typeof loadSdk>>;

const DECISIONS = new Set<string>(["allowed", "explicitDeny", "implicitDeny"]);

export function createIamPort(log: Logger): IamPort {
  // One client per profile and Region: the credential chain resolves once for all of a check's calls.
  const clients = new Map<string, IAMClient>();

  async function call<T>(
    what: string,
    { profile, region }: AwsOptions & { region: string },
    send: (iam: IAMClient, sdk: Sdk) => Promise<T>,
  ): Promise<AwsAnswer<T>> {
    const sdk = await loadSdk();
    const key = `${profile ?? ""}\n${region}`;
    const iam =
      clients.get(key) ??
      new sdk.IAMClient({ profile, region, maxAttempts: 2, requestHandler: AWS_HTTP_TIMEOUTS });
    clients.set(key, iam);
    log.debug(`IAM ${what}`);
    try {
      return { ok: true, value: await send(iam, sdk) };
    } catch (error) {
      return { ok: false, error: toCallError(error) };
    }
  }

  async function allPages<P, T>(pages: AsyncIterable<P>, items: (page: P) => T[]): Promise<T[]> {
    const all: T[] = [];
    let count = 0;
    for await (const page of pages) {
      all.push(...items(page));
      if (++count >= MAX_PAGES) break;
    }
    return all;
  }

  return {
    getRole: (roleName, options) =>
      call(`GetRole ${roleName}`, options, async (iam, { GetRoleCommand }) => {
        const { Role } = await iam.send(new GetRoleCommand({ RoleName: roleName }));
        return {
          arn: Role?.Arn ?? "",
          name: Role?.RoleName ?? roleName,
          trustPolicy: Role?.AssumeRolePolicyDocument ?? "",
        };
      }),

    listRolePolicies: (roleName, options) =>
      call(`ListRolePolicies ${roleName}`, options, (iam, { paginateListRolePolicies }) =>
        allPages(
          paginateListRolePolicies({ client: iam }, { RoleName: roleName }),
          (p) => p.PolicyNames ?? [],
        ),
      ),

    getRolePolicy: (roleName, policyName, options) =>
      call(`GetRolePolicy ${roleName} ${policyName}`, options, async (iam, { GetRolePolicyCommand }) => {
        const answer = await iam.send(
          new GetRolePolicyCommand({ RoleName: roleName, PolicyName: policyName }),
        );
        return answer.PolicyDocument ?? "";
      }),

    listAttachedRolePolicies: (roleName, options) =>
      call(`ListAttachedRolePolicies ${roleName}`, options, (iam, { paginateListAttachedRolePolicies }) =>
        allPages(paginateListAttachedRolePolicies({ client: iam }, { RoleName: roleName }), (page) =>
          (page.AttachedPolicies ?? []).map((p) => ({ name: p.PolicyName ?? "", arn: p.PolicyArn ?? "" })),
        ),
      ),

    getPolicy: (policyArn, options) =>
      call(`GetPolicy ${policyArn}`, options, async (iam, { GetPolicyCommand }) => {
        const { Policy } = await iam.send(new GetPolicyCommand({ PolicyArn: policyArn }));
        return { defaultVersionId: Policy?.DefaultVersionId ?? "" };
      }),

    getPolicyVersion: (policyArn, versionId, options) =>
      call(
        `GetPolicyVersion ${policyArn} ${versionId}`,
        options,
        async (iam, { GetPolicyVersionCommand }) => {
          const answer = await iam.send(
            new GetPolicyVersionCommand({ PolicyArn: policyArn, VersionId: versionId }),
          );
          return answer.PolicyVersion?.Document ?? "";
        },
      ),

    simulatePrincipalPolicy: (principalArn, actions, resources, options) =>
      call(`SimulatePrincipalPolicy ${principalArn}`, options, (iam, { paginateSimulatePrincipalPolicy }) =>
        allPages(
          paginateSimulatePrincipalPolicy(
            { client: iam },
            { PolicySourceArn: principalArn, ActionNames: [...actions], ResourceArns: [...resources] },
          ),
          (page) =>
            (page.EvaluationResults ?? []).flatMap((result): SimulatedDecision[] => {
              const perResource = result.ResourceSpecificResults ?? [];
              const rows = perResource.length
                ? perResource.map((r) => ({
                    resource: r.EvalResourceName,
                    decision: r.EvalResourceDecision,
                    missing: r.MissingContextValues,
                  }))
                : [{ resource: result.EvalResourceName, decision: result.EvalDecision, missing: undefined }];
              return rows.map((row) => ({
                action: result.EvalActionName ?? "",
                resource: row.resource ?? "*",
                decision: DECISIONS.has(row.decision ?? "")
                  ? (row.decision as SimulatedDecision["decision"])
                  : "implicitDeny",
                missingContextKeys: row.missing ?? result.MissingContextValues ?? [],
              }));
            }),
        ),
      ),
  };
}
