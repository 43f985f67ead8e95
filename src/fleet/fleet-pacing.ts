import { UsageError } from "../errors";
import type { Pacing } from "./model/session-pacing";

/** StartSession's per-account rate, about 3 a second. */
export const DEFAULT_RATE = 3;
export const DEFAULT_CONCURRENCY = 20;

export interface PacingOptions {
  /** SSM sessions started per second, at most (default 3). */
  rate?: string;
  /** SSM sessions open at once, at most (default 20). */
  concurrency?: string;
}

export function pacingOf(options: PacingOptions): Pacing {
  const rate = options.rate === undefined ? DEFAULT_RATE : Number(options.rate);
  if (!/^\d+(\.\d+)?$/.test(options.rate ?? "3") || !(rate >= 0.1 && rate <= 50))
    throw new UsageError(
      `--rate: "${options.rate}" is not a number of sessions a second from 0.1 to 50`,
      `StartSession allows about ${DEFAULT_RATE} a second per account: e.g. --rate 2.`,
    );
  const concurrency = options.concurrency === undefined ? DEFAULT_CONCURRENCY : Number(options.concurrency);
  if (!/^\d+$/.test(options.concurrency ?? "1") || concurrency < 1 || concurrency > 500)
    throw new UsageError(
      `--concurrency: "${options.concurrency}" is not a whole number from 1 to 500`,
      `e.g. --concurrency ${DEFAULT_CONCURRENCY}.`,
    );
  return { rate, concurrency };
}
