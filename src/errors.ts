/** Exit codes of the script contract (README, Exit codes). */
export const ExitCode = {
  ok: 0,
  problems: 1,
  usage: 2,
  cannotRun: 3,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** An error hpiam reports itself: one line of what went wrong, one of what to do. */
export class HpiamError extends Error {
  constructor(
    readonly exitCode: ExitCode,
    readonly code: string,
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = new.target.name;
  }

  toJSON() {
    return { code: this.code, message: this.message, ...(this.hint ? { hint: this.hint } : {}) };
  }
}

/** Bad flag, bad value, or a destructive step refused: exit 2. */
export class UsageError extends HpiamError {
  constructor(message: string, hint?: string, code = "usage") {
    super(ExitCode.usage, code, message, hint);
  }
}

/** Something hpiam needs is missing or unreachable: exit 3. */
export class CannotRunError extends HpiamError {
  constructor(message: string, hint?: string, code = "cannot-run") {
    super(ExitCode.cannotRun, code, message, hint);
  }
}

/** The result was already reported; exit with this code. */
export class ExitError extends Error {
  constructor(readonly exitCode: ExitCode) {
    super(`exit ${exitCode}`);
  }
}
