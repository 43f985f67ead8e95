import type { Check } from "./check";

/** SigV4 refuses requests signed more than 5 minutes off AWS's clock. */
const REJECTED_MS = 5 * 60_000;
const WARN_MS = 60_000;

/** The local clock against the `Date` of STS's answer (an error answer's too: a skew rejection has one). */
export const clockSkew: Check<"clock-skew"> = {
  id: "clock-skew",
  title: "Clock skew",
  async run({ facts }, ctx) {
    const server = (await facts.identification()).serverDate;
    if (!server) return { status: "skip", message: "no AWS answer carried a date (STS not reached)" };
    const now = ctx.clock.now();
    const skewMs = now.getTime() - server.getTime();
    const seconds = Math.round(Math.abs(skewMs) / 1000);
    const details = {
      localTime: now.toISOString(),
      awsTime: server.toISOString(),
      skewSeconds: Math.round(skewMs / 1000),
    };
    const off = `the clock is ${seconds} s ${skewMs > 0 ? "ahead of" : "behind"} AWS`;
    if (Math.abs(skewMs) < WARN_MS)
      return { status: "pass", message: `the clock is within ${Math.max(seconds, 1)} s of AWS`, details };
    const remediation =
      "sync it with Amazon Time Sync: sudo chronyc makestep (or: sudo timedatectl set-ntp true)";
    return Math.abs(skewMs) >= REJECTED_MS
      ? {
          status: "fail",
          message: `${off}: AWS rejects requests signed more than 5 minutes off`,
          remediation,
          details,
        }
      : { status: "warn", message: `${off}: AWS rejects requests beyond 5 minutes`, remediation, details };
  },
};
