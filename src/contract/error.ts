/** What every command prints with --json when it stops with an error, and its decoder. */
import type { ErrorCode } from "../errors";
import { type Decoded, decodeWith, type Decoder, literal, object, oneOf, optional, string } from "./decode";
import { awsProblem } from "./whoami";

export interface ErrorDocument {
  schemaVersion: 1;
  error: { code: ErrorCode; message: string; hint?: string };
}

const CODES: Record<Exclude<ErrorCode, `sagemaker-${string}`>, true> = {
  usage: true,
  "cannot-run": true,
  unexpected: true,
  "bad-aws-file": true,
  "bad-node-file": true,
  "not-hyperpod": true,
  "permission-denied": true,
  unreadable: true,
  "user-database": true,
  "relative-home": true,
  "lock-unwritable": true,
  "lock-busy": true,
  "missing-session-tools": true,
  "no-region": true,
  "no-such-cluster": true,
  "no-controller-group": true,
  "no-head-node": true,
  "ssh-config-conflict": true,
  "ssh-config-outside-home": true,
  "ssh-config-unreadable": true,
  "ssh-config-unwritable": true,
};

const plainCode = oneOf(CODES);

/** `sagemaker-<problem>` for a failed SageMaker call, else one of the plain codes. */
export const errorCode: Decoder<ErrorCode> = (value, at) => {
  if (typeof value === "string" && value.startsWith("sagemaker-"))
    return `sagemaker-${awsProblem(value.slice("sagemaker-".length), at)}`;
  return plainCode(value, at);
};

const errorDocument = object<ErrorDocument>({
  schemaVersion: literal(1),
  error: object<ErrorDocument["error"]>({ code: errorCode, message: string, hint: optional(string) }),
});

export const decodeError = (value: unknown): Decoded<ErrorDocument> => decodeWith(errorDocument, value);
