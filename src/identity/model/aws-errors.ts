/** An AWS call that failed, reduced to what classifying it needs. */
export interface AwsCallError {
  name: string;
  message: string;
  httpStatus?: number;
  /** Node's network error code (ECONNREFUSED, ETIMEDOUT, ENOTFOUND…) when the endpoint was not reached. */
  networkCode?: string;
}

export type AwsProblem =
  | "no-credentials"
  | "invalid-key"
  | "expired-token"
  | "signature"
  | "access-denied"
  | "throttled"
  | "unreachable"
  | "service-error"
  | "other";

export interface ClassifiedError {
  kind: AwsProblem;
  message: string;
  hint: string;
}

const BY_NAME: Record<string, AwsProblem> = {
  CredentialsProviderError: "no-credentials",
  InvalidClientTokenId: "invalid-key",
  UnrecognizedClientException: "invalid-key",
  ExpiredToken: "expired-token",
  ExpiredTokenException: "expired-token",
  TokenRefreshRequired: "expired-token",
  SignatureDoesNotMatch: "signature",
  RequestExpired: "signature",
  AccessDenied: "access-denied",
  AccessDeniedException: "access-denied",
  Throttling: "throttled",
  ThrottlingException: "throttled",
  TooManyRequestsException: "throttled",
  TimeoutError: "unreachable",
  RequestTimeout: "unreachable",
};

const EXPLAIN: Record<AwsProblem, { message: string; hint: string }> = {
  "no-credentials": {
    message: "no AWS credentials found",
    hint: "On a HyperPod node the instance profile supplies them: check IMDS (`hpiam diagnose`).",
  },
  "invalid-key": {
    message: "the access key is not valid (deleted, deactivated or mistyped)",
    hint: "Remove the stale key from this node (`hpiam recover`) so the instance profile is used again.",
  },
  "expired-token": {
    message: "the session token has expired",
    hint: "Refresh the temporary credentials, or remove them so the instance profile is used.",
  },
  signature: {
    message:
      "the request signature was rejected (wrong secret key, or the clock is off by more than 5 minutes)",
    hint: "Check the clock (`timedatectl`) and the secret key in use.",
  },
  "access-denied": {
    message: "access denied",
    hint: "The identity lacks a permission; see which identity is in use with `hpiam whoami`.",
  },
  throttled: { message: "AWS is throttling requests", hint: "Try again in a few seconds." },
  unreachable: {
    message: "the AWS endpoint could not be reached",
    hint: "Check network access to STS (VPC endpoint, proxy, AWS_ENDPOINT_URL) and try again.",
  },
  "service-error": { message: "AWS answered with a server error", hint: "Try again in a few seconds." },
  other: { message: "the AWS call failed", hint: "Run again with --verbose for details." },
};

/**
 * STS answered, and refused the keys: a decided problem (the keys do not work). Every other failure means it
 * said nothing about them (not reached, throttled, a server error), and nothing can be decided from it.
 */
const REFUSALS: ReadonlySet<AwsProblem> = new Set([
  "invalid-key",
  "expired-token",
  "signature",
  "access-denied",
]);

export function refusedByAws(problem: ClassifiedError): boolean {
  return REFUSALS.has(problem.kind);
}

export function classifyAwsError(error: AwsCallError): ClassifiedError {
  const kind = kindOf(error);
  const { message, hint } = EXPLAIN[kind];
  return { kind, message: kind === "other" ? `${message}: ${firstLine(error.message)}` : message, hint };
}

function kindOf(error: AwsCallError): AwsProblem {
  if (error.networkCode) return "unreachable";
  const byName = BY_NAME[error.name];
  if (byName) return byName;
  if (/signature expired|clock/i.test(error.message)) return "signature";
  if (error.httpStatus !== undefined && error.httpStatus >= 500) return "service-error";
  return "other";
}

function firstLine(text: string): string {
  return (text.split("\n")[0] ?? "").slice(0, 200);
}
