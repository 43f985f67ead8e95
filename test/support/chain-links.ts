import type { ChainDecision, ChainLink } from "../../src/identity/model/botocore-chain";

/** botocore's chain picked this link (for fakes of the AWS port). */
export function linkWins(link: ChainLink, profile = "default"): ChainDecision {
  return { kind: "link", link, profile: { name: profile } };
}

/** `aws configure`'s keys in the home's credentials file [default]. */
export const credentialsFileLink = (home = "/home/ubuntu"): ChainLink => ({
  method: "shared-credentials-file",
  profile: "default",
  path: `${home}/.aws/credentials`,
});

export const environmentLink: ChainLink = { method: "env", variable: "AWS_ACCESS_KEY_ID" };
