import type { Context } from "../../context";
import {
  classifyImdsSetup,
  type ImdsRedirects,
  parseImdsRedirects,
  ROLE_AGENT,
} from "../../node/model/imds-redirect";
import { CannotRunError } from "../../errors";
import type { ImdsProxyDetails, ImdsRedirectDetails } from "../../contract/check-details";
import type { Check, CheckInput, CheckOutcome } from "./check";

/** Where the downgraded-role proxy's sample installs its units (`make install-service`), and its older one's. */
const PROXY_UNITS = ["imds-proxy-server.service", "imds-proxy-iptables.service", "imds_proxy.service"].map(
  (unit) => `/etc/systemd/system/${unit}`,
);

const BLOCK_DIRECT_ACCESS =
  "sudo iptables -A OUTPUT -d 169.254.0.2 -p tcp --dport 9081 -m owner ! --uid-owner 0 -j DROP";

/**
 * The downgraded-role IMDS proxy (awsome-distributed-training's "How to use downgraded (less permissive) IAM role
 * for non-root users"): an intentional setup, explained rather than reported as broken.
 * As root it reads iptables; without root it says what hints at a proxy.
 */
export const imdsProxy: Check<"imds-proxy"> = {
  id: "imds-proxy",
  title: "IMDS proxy (downgraded role)",
  needs: "root",
  unprivileged: guessWithoutRoot,
  async run({ facts }, ctx) {
    const units = await installedUnits(ctx);
    const saved = await ctx.exec.run(["iptables-save"], { timeoutMs: 3000 }).catch((error: unknown) => {
      if (error instanceof CannotRunError) return undefined;
      throw error;
    });
    if (!saved)
      return {
        status: "skip",
        message: "iptables-save is not installed: cannot see where IMDS requests go",
        details: { units },
      };
    if (saved.exitCode !== 0) {
      const why = saved.timedOut
        ? "did not answer"
        : saved.stderr.trim().split("\n")[0] || `exit ${saved.exitCode}`;
      return { status: "skip", message: `iptables-save failed (${why})`, details: { units } };
    }
    const redirects = parseImdsRedirects(saved.stdout);
    const setup = classifyImdsSetup(redirects);
    const details: ImdsRedirectDetails = { setup, ...redirects, units };
    switch (setup) {
      case "none":
        return units.length > 0
          ? {
              status: "warn",
              message: `${units.join(", ")} installed, but no iptables rule sends IMDS requests to the proxy`,
              remediation: "sudo systemctl restart imds-proxy-iptables",
              details,
            }
          : { status: "pass", message: "no IMDS redirect: every user reaches IMDS directly", details };
      case "stock":
        return {
          status: "pass",
          message: `no IMDS proxy: every user gets the instance group's role from HyperPod's role agent (${ROLE_AGENT})`,
          details,
        };
      case "other":
        return {
          status: "warn",
          message: `IMDS requests are redirected in a way hpiam does not know: root → ${redirects.root ?? "IMDS"}, others → ${redirects.nonRoot ?? "IMDS"}`,
          details,
        };
      case "proxy":
        return explainProxy(ctx, await facts.instanceProfile(), redirects, details);
    }
  },
};

async function explainProxy(
  ctx: Context,
  rootView: { roleName?: string },
  redirects: ImdsRedirects,
  details: ImdsRedirectDetails,
): Promise<CheckOutcome<ImdsProxyDetails>> {
  const proxy = redirects.nonRoot ?? "";
  const served = await ctx.imds.describeAt(`http://${proxy}`);
  details.proxyRole = served.roleName ?? null;
  if (!served.reachable) {
    return {
      status: "fail",
      message: `non-root users' IMDS requests go to ${proxy}, where nothing answers: they get no credentials`,
      remediation: "sudo systemctl restart imds-proxy-server",
      details,
    };
  }
  const what =
    `local IMDS proxy: non-root users get ${served.roleName ?? "a downgraded role"} from ${proxy} on purpose; ` +
    `root keeps ${rootView.roleName ?? "the instance role"}`;
  return redirects.directAccessBlocked
    ? { status: "pass", message: what, details }
    : {
        status: "warn",
        message: `${what}, but non-root users can still reach the role agent ${ROLE_AGENT} directly`,
        remediation: BLOCK_DIRECT_ACCESS,
        details,
      };
}

/** iptables needs root; the unit files and the identity IMDS gives this user still hint at a proxy. */
async function guessWithoutRoot(
  { facts }: CheckInput,
  ctx: Context,
): Promise<CheckOutcome<ImdsProxyDetails>> {
  const [units, principal, source, imds, node] = await Promise.all([
    installedUnits(ctx),
    facts.principal(),
    facts.credentialSource(),
    facts.instanceProfile(),
    facts.node(),
  ]);
  const hints = units.map((unit) => `${unit} is installed`);
  if (source?.method === "iam-role" && principal?.type === "assumed-role") {
    if (imds.roleName && principal.name !== imds.roleName) {
      hints.push(`IMDS lists ${imds.roleName} but its keys are ${principal.name}'s`);
    } else if (node.state !== "absent" && principal.sessionName !== "SageMaker") {
      hints.push(
        `IMDS gives ${principal.name} with session ${principal.sessionName}, not HyperPod's SageMaker`,
      );
    }
  }
  const message =
    hints.length === 0
      ? "needs root to read iptables: run with sudo"
      : `needs root to read iptables; ${hints.join("; ")}: a local IMDS proxy may give non-root users ${principal?.name ?? "a downgraded role"} on purpose, run with sudo to confirm`;
  return {
    status: "skip",
    message,
    remediation: "sudo hpiam diagnose --checks imds-proxy",
    details: { units, hints },
  };
}

async function installedUnits(ctx: Context): Promise<string[]> {
  const found = await Promise.all(PROXY_UNITS.map((path) => ctx.files.stat(path).catch(() => undefined)));
  return PROXY_UNITS.filter((_, i) => found[i] !== undefined);
}
