/**
 * The one answer to "which identity does this node sign with": botocore's link, its keys' owner according to
 * STS, and the verdict against the instance profile. whoami prints it, diagnose's checks read it, recover
 * verifies with it.
 */
import type { IdentityDocument } from "../contract/whoami";
import type {
  AwsOptions,
  AwsPort,
  Context,
  Env,
  InstanceProfile,
  JsChainOpinion,
  SignIn,
  UserPort,
} from "../context";
import { classifyPrincipal, type RoleRef } from "./model/arn";
import { classifyAwsError, type ClassifiedError, refusedByAws } from "./model/aws-errors";
import { shellWord } from "../shell/model/shell-words";
import { type ChainDecision, type ChainLink, stoppedBy } from "./model/botocore-chain";
import { type KeyPlace, takeInventory } from "./model/key-inventory";
import { type ChainError, chainErrors } from "./model/chain-errors";
import type { ChainUndecided } from "./model/chain-stop";
import { attributeJsChain, attributeLink, type CredentialSource } from "./model/credential-source";
import { sdkChainEndsAtImds } from "./model/sdk-chain";
import { judge, type Verdict } from "./model/verdict";

/** botocore's link, that link's keys and who STS says they are, and the SDK for JavaScript's second opinion. */
export interface Identification extends Omit<SignIn, "stopped"> {
  /** The link of botocore's chain that supplies the keys, or the error botocore stops with. */
  chain: ChainDecision;
  /** Where a file sets that link (its line), from the inventory of the files the chain read. */
  place?: KeyPlace;
  region: string;
  jsChain?: JsChainOpinion;
}

/**
 * botocore's chain decided here, over what the adapter read (the adapter only reads and fetches); then that
 * link's keys fetched and STS asked whose they are.
 */
export async function identification(aws: AwsPort, options: AwsOptions): Promise<Identification> {
  const read = await aws.readChain(options);
  const { region } = read;
  const { chain, winner } = takeInventory({
    env: read.env,
    profileFlag: options.profile,
    ...read.files,
    now: read.now,
  });
  // Where the SDK for JavaScript's chain can only end at the IMDS that botocore's link reads, its keys are
  // those: it is asked only if that link gives none. Elsewhere its opinion runs beside the rest, never in front of
  // the STS call.
  const sameImds =
    chain.kind === "link" && chain.link.method === "iam-role" && sdkChainEndsAtImds(read.env, read.files);
  const early = sameImds ? undefined : aws.jsChain(read, options);
  const jsOpinion = () => early ?? aws.jsChain(read, options);
  if (chain.kind !== "link") return { region, chain, ...opinion(await jsOpinion()) };
  const { stopped, ...signedIn } = await aws.signIn(read, chain.link, options);
  // botocore stops (or hpiam cannot tell) on what the link gave: the chain's outcome, not a fetch failure.
  const stop = stopped === undefined ? undefined : stoppedBy(stopped, chain.profile);
  if (stop) return { region, chain: stop, ...opinion(await jsOpinion()) };
  const js = sameImds && signedIn.credentials ? undefined : await jsOpinion();
  // Said only where Node.js tools would sign with other keys than these.
  const differs = signedIn.credentials && js && js.accessKeyId !== signedIn.credentials.accessKeyId;
  return {
    region,
    chain,
    ...(winner ? { place: winner } : {}),
    ...signedIn,
    ...(signedIn.credentials ? (differs ? { jsChain: js } : {}) : opinion(js)),
  };
}

function opinion(js: JsChainOpinion | undefined): { jsChain?: JsChainOpinion } {
  return js ? { jsChain: js } : {};
}

export interface IdentityReport {
  identity: IdentityDocument | null;
  credentialSource: CredentialSource | null;
  instanceProfile: InstanceProfile;
  verdict: Verdict;
  /** Why the chain or STS failed, when one did. */
  problem: ClassifiedError | null;
  /** Where botocore stops with an error (the AWS CLI's own message), when it does. */
  chainError: ChainError | null;
  /** A chain setting hpiam cannot evaluate exactly, when there is one: the verdict is then unknown. */
  undecided: ChainUndecided | null;
  /** What Node.js tools (the SDK for JavaScript's chain) sign with, when that is other keys than botocore's. */
  nodeJs: CredentialSource | null;
  region: string;
}

export interface JudgeOptions extends AwsOptions {
  expectRole?: RoleRef;
  /** Not root: a local IMDS proxy may serve this process a downgraded role (root bypasses the proxy). */
  nonRoot?: boolean;
  /** The command that recovers the home the chain read; see recoverFixFor. */
  recoverFix?: string;
}

/**
 * Under sudo the chain reads root's own files, and `sudo hpiam recover` alone changes SUDO_USER's home: the fix
 * that removes root's keys names root.
 */
export function recoverFixFor(user: UserPort): string {
  return user.sudoUser && user.uid === 0
    ? `sudo hpiam recover --user ${shellWord(user.name)}`
    : "hpiam recover";
}

/** Judges what the adapter found; pure, so whoami, diagnose and recover cannot disagree. */
export function judgeIdentification(
  found: Identification,
  instanceProfile: InstanceProfile,
  env: Env,
  options: JudgeOptions,
): IdentityReport {
  const chainError = brokenChain(found);
  const undecided = found.chain.kind === "undecided" ? found.chain.undecided : null;
  const source =
    found.chain.kind === "link" && found.credentials
      ? attributeLink(found.chain.link, found.credentials, found.place)
      : undefined;
  const principal = found.identity ? classifyPrincipal(found.identity.arn) : undefined;
  const identity: IdentityDocument | undefined = found.identity &&
    principal && {
      ...found.identity,
      type: principal.type,
      name: principal.name ?? null,
      sessionName: principal.sessionName ?? null,
    };
  const failure = found.stsError ?? found.credentialsError;
  const problem = failure && !chainError ? classifyAwsError(failure) : null;
  return {
    identity: identity ?? null,
    credentialSource: source ?? null,
    instanceProfile,
    verdict: undecided
      ? undecidedVerdict(undecided)
      : judge({
          ...(chainError ? { broken: chainError } : {}),
          source,
          principal,
          ...(problem && refusedByAws(problem) ? { refused: problem } : {}),
          account: identity?.account,
          instanceProfile,
          expectRole: options.expectRole,
          nonRoot: options.nonRoot,
          recoverFix: options.recoverFix,
        }),
    problem,
    chainError,
    undecided,
    nodeJs: found.jsChain ? attributeJsChain(found.jsChain, env, options.profile) : null,
    region: found.region,
  };
}

/** Never healthy: what boto3 and the AWS CLI sign with depends on a setting hpiam cannot evaluate. */
function undecidedVerdict(undecided: ChainUndecided): Verdict {
  return {
    status: "unknown",
    reason: `cannot tell what boto3 and the AWS CLI do with ${undecided.setting}: ${undecided.why}`,
    fix: `run \`aws sts get-caller-identity\` as this user to see, or remove ${undecided.setting}`,
  };
}

/** botocore stops where the model says, and where the winning link (other than IMDS) fails to give keys. */
function brokenChain(found: Identification): ChainError | null {
  if (found.chain.kind === "broken") return found.chain.error;
  if (found.chain.kind === "undecided") return null;
  const { link } = found.chain;
  if (found.credentialsError && link.method !== "iam-role") {
    const detail = found.credentialsError.message.split("\n")[0] ?? "";
    return chainErrors.retrieval(link.method, detail, RETRIEVAL_FIXES[link.method] ?? RETRIEVAL_FIX);
  }
  return null;
}

const RETRIEVAL_FIX =
  "the link that should supply the keys failed, and boto3 does not fall back: fix it or remove it";

const RETRIEVAL_FIXES: Partial<Record<ChainLink["method"], string>> = {
  sso: "aws sso login (or remove the profile's sso_* settings)",
  "assume-role-with-web-identity":
    "check the web identity token file and role, or unset AWS_WEB_IDENTITY_TOKEN_FILE",
  "container-role":
    "unset AWS_CONTAINER_CREDENTIALS_FULL_URI and AWS_CONTAINER_CREDENTIALS_RELATIVE_URI outside a container",
};

export async function identifyNode(
  ctx: Pick<Context, "aws" | "imds" | "log" | "env" | "user">,
  options: JudgeOptions,
): Promise<IdentityReport> {
  // The instance's description is only judged after: asked while STS answers, its IMDS answers never hold up the
  // STS request (on a node whose sign-in sends none, once the sign-in is over).
  let instance: Promise<InstanceProfile> | undefined;
  const describe = () => (instance ??= ctx.imds.describe());
  const found = await identification(ctx.aws, {
    profile: options.profile,
    region: options.region,
    ...(options.sharedFiles ? { sharedFiles: options.sharedFiles } : {}),
    ...(options.stsAttempts ? { stsAttempts: options.stsAttempts } : {}),
    whileStsAnswers: () => void describe(),
  });
  const instanceProfile = await describe();
  if (found.credentialsError)
    ctx.log.debug(`AWS error: ${found.credentialsError.name}: ${found.credentialsError.message}`);
  return judgeIdentification(found, instanceProfile, ctx.env, {
    ...options,
    nonRoot: ctx.user.uid !== 0,
    // Another home's files (recover's verification under sudo) are recovered by the command that runs it.
    ...(options.sharedFiles ? {} : { recoverFix: recoverFixFor(ctx.user) }),
  });
}
