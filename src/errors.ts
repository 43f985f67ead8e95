import type { AwsProblem } from "./identity/model/aws-errors";

/** Exit codes of the script contract (README, Exit codes). */
export const ExitCode = {
  ok: 0,
  problems: 1,
  usage: 2,
  cannotRun: 3,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** The `error.code` of hpiam's error document: every code hpiam reports, so that callers compare with a known one. */
export type ErrorCode =
  | "usage"
  | "cannot-run"
  | "unexpected"
  /** An AWS shared file the SDK cannot parse. */
  | "bad-aws-file"
  /** resource_config.json or provisioning_parameters.json: too large, or not HyperPod's format. */
  | "bad-node-file"
  | "not-hyperpod"
  | "permission-denied"
  | "unreadable"
  | "user-database"
  | "relative-home"
  | "lock-unwritable"
  | "lock-busy"
  | "missing-session-tools"
  | "no-region"
  | "no-such-cluster"
  /** A SageMaker call of connect-head failed: why, as for STS. */
  | `sagemaker-${AwsProblem}`
  | "no-controller-group"
  | "no-head-node"
  | "ssh-config-conflict"
  | "ssh-config-outside-home"
  | "ssh-config-unreadable"
  | "ssh-config-unwritable";

/** An error hpiam reports itself: one line of what went wrong, one of what to do. */
export class HpiamError extends Error {
  constructor(
    readonly exitCode: ExitCode,
    readonly code: ErrorCode,
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    // Named in words, not by the class: the build's minifier renames classes.
    this.name = "HpiamError";
  }

  toJSON() {
    return { code: this.code, message: this.message, ...(this.hint ? { hint: this.hint } : {}) };
  }
}

/** Bad flag, bad value, or a destructive step refused: exit 2. */
export class UsageError extends HpiamError {
  constructor(message: string, hint?: string, code: ErrorCode = "usage") {
    super(ExitCode.usage, code, message, hint);
    this.name = "UsageError";
  }
}

/** Something hpiam needs is missing or unreachable: exit 3. */
export class CannotRunError extends HpiamError {
  constructor(message: string, hint?: string, code: ErrorCode = "cannot-run") {
    super(ExitCode.cannotRun, code, message, hint);
    this.name = "CannotRunError";
  }
}

/** The result was already reported; exit with this code. */
export class ExitError extends Error {
  constructor(readonly exitCode: ExitCode) {
    super(`exit ${exitCode}`);
  }
}
