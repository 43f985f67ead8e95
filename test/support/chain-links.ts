import type { AwsPort, ChainRead, Env } from "../../src/context";
import type { Identification } from "../../src/identity/identify";
import type { ChainDecision, ChainLink, ReadIni } from "../../src/identity/model/botocore-chain";
import { ChainStop, ChainUndecidable } from "../../src/identity/model/chain-stop";

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

const SET = "(set)";
const SIGN_IN = ["credentials", "credentialsError", "identity", "stsError", "serverDate"] as const;

/**
 * Variables and files (secrets masked, as the adapter reads them) from which botocore's chain, run for real,
 * takes `decision`'s link; for a chain that stops, the instance's role, and fetching it raises the stop.
 */
function chainLayout(decision: ChainDecision): Pick<ChainRead, "env" | "files"> {
  const { name, namedBy } = decision.profile;
  const env: Env = namedBy === "AWS_PROFILE" || namedBy === "AWS_DEFAULT_PROFILE" ? { [namedBy]: name } : {};
  const home = "/home/ubuntu/.aws";
  const section = name === "default" ? name : `profile ${name}`;
  const ini = (path: string, section: string, options: Record<string, string>): ReadIni => ({
    path,
    state: "parsed",
    sections: { [section]: options },
    lines: { [section]: Object.fromEntries(Object.keys(options).map((option, i) => [option, i + 2])) },
  });
  const files: ChainRead["files"] = {
    // A profile that is named must be defined, or botocore stops.
    config:
      decision.kind === "link" && name !== "default"
        ? ini(`${home}/config`, section, {})
        : { path: `${home}/config`, state: "absent" },
    credentials: { path: `${home}/credentials`, state: "absent" },
    botoFiles: [],
  };
  if (decision.kind !== "link") return { env, files };
  const { link } = decision;
  const keys = { aws_access_key_id: SET, aws_secret_access_key: SET };
  switch (link.method) {
    case "iam-role":
      return { env, files };
    case "env":
      return { env: { ...env, AWS_ACCESS_KEY_ID: SET, AWS_SECRET_ACCESS_KEY: SET }, files };
    case "shared-credentials-file":
      return { env, files: { ...files, credentials: ini(link.path, link.profile ?? name, keys) } };
    case "custom-process":
      return {
        env,
        files: { ...files, config: ini(link.path, section, { credential_process: link.command }) },
      };
    default:
      throw new Error(
        `no fake layout for the ${link.method} link: write real files and use the real adapter`,
      );
  }
}

/**
 * The chain's part of a fake AWS port: it reads a layout from which botocore's chain (the real model) decides as
 * `found` says, and the link's keys sign as `found` says. `found` is asked at each call, so a test may change
 * its answer midway.
 */
export function answering(found: () => Identification): Pick<AwsPort, "readChain" | "signIn" | "jsChain"> {
  return {
    readChain: async () => ({ ...chainLayout(found().chain), region: found().region, now: new Date() }),
    signIn: async () => {
      const answer = found();
      if (answer.chain.kind === "broken") return { stopped: new ChainStop(answer.chain.error) };
      if (answer.chain.kind === "undecided") return { stopped: new ChainUndecidable(answer.chain.undecided) };
      return Object.fromEntries(SIGN_IN.flatMap((key) => (key in answer ? [[key, answer[key]]] : [])));
    },
    jsChain: async () => found().jsChain,
  };
}
