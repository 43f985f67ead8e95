import { CreateAccessKeyCommand, CreateRoleCommand, CreateUserCommand, IAMClient } from "@aws-sdk/client-iam";
import { EXECUTION_TRUST, motoAdmin } from "./aws-world";

/** IAM users whose keys the credential layouts spread over the chain's links, so each link signs as its own. */
export const CHAIN_USERS = ["bob", "carol", "dave"] as const;
export type ChainUser = (typeof CHAIN_USERS)[number];

export interface ChainWorld {
  keys: Record<ChainUser, { accessKeyId: string; secretAccessKey: string }>;
  /** A role that profiles assume (role_arn) and web identities become. */
  devRoleArn: string;
  webRoleArn: string;
}

/** More of the account, for the differential tests of the credential chain. */
export async function seedChainWorld(endpoint: string): Promise<ChainWorld> {
  const iam = new IAMClient(motoAdmin(endpoint));
  try {
    const keys = {} as ChainWorld["keys"];
    for (const user of CHAIN_USERS) {
      await iam.send(new CreateUserCommand({ UserName: user }));
      const key = await iam.send(new CreateAccessKeyCommand({ UserName: user }));
      keys[user] = {
        accessKeyId: key.AccessKey?.AccessKeyId ?? "",
        secretAccessKey: key.AccessKey?.SecretAccessKey ?? "",
      };
    }
    const role = async (name: string) =>
      (
        await iam.send(
          new CreateRoleCommand({
            RoleName: name,
            AssumeRolePolicyDocument: JSON.stringify(EXECUTION_TRUST),
          }),
        )
      ).Role?.Arn ?? "";
    return { keys, devRoleArn: await role("DevRole"), webRoleArn: await role("WebRole") };
  } finally {
    iam.destroy();
  }
}
