import { CreateRoleCommand, IAMClient } from "@aws-sdk/client-iam";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { EXECUTION_TRUST, motoAdmin, REGION } from "./aws-world";
import { type FakeImds, startImds } from "./imds";
import type { SimulatedNode } from "./simulated-node";

/** The downgraded role a local IMDS proxy serves non-root users, and the session its proxy assumes it with. */
export const PROXY_ROLE = "ImdsProxyTestRole";
export const PROXY_SESSION = "test-session";

/**
 * The downgraded-role IMDS proxy of awsome-distributed-training's sample: it assumes PROXY_ROLE (session test-session) and serves those keys under the role name
 * it lists, which that sample's imds-proxy-server.py spoofs as `ImdsProxyRole`.
 */
export async function startSeed002Proxy(node: SimulatedNode, listedRole = PROXY_ROLE): Promise<FakeImds> {
  const admin = motoAdmin(node.env.AWS_ENDPOINT_URL);
  const iam = new IAMClient(admin);
  const sts = new STSClient(admin);
  try {
    const { Role: role } = await iam.send(
      new CreateRoleCommand({
        RoleName: PROXY_ROLE,
        AssumeRolePolicyDocument: JSON.stringify(EXECUTION_TRUST),
      }),
    );
    const { Credentials: c } = await sts.send(
      new AssumeRoleCommand({ RoleArn: role?.Arn ?? "", RoleSessionName: PROXY_SESSION }),
    );
    return await startImds({
      roleName: listedRole,
      credentials: {
        AccessKeyId: c?.AccessKeyId ?? "",
        SecretAccessKey: c?.SecretAccessKey ?? "",
        SessionToken: c?.SessionToken ?? "",
      },
      instanceId: node.instanceId,
      region: REGION,
      // The sample's proxy forwards what it knows of meta-data/; hpiam then reads the instance from there.
      identityDocument: false,
    });
  } finally {
    iam.destroy();
    sts.destroy();
  }
}
