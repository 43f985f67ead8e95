import type { Context } from "../context";
import { describeFileFailure } from "../output/file-errors";
import {
  AGENT_CONFIG_PATH,
  AGENT_UNITS,
  IDENTITY_CONFIG_PATH,
  parseAgentVersion,
  parseIdentityConfig,
  parseShareCreds,
  type SsmAgentState,
} from "./model/ssm-agent";
import { CannotRunError } from "../errors";

/** The snap (Ubuntu images) keeps its binary here; /snap/bin is not on every PATH. */
const SNAP_BINARY = "/snap/amazon-ssm-agent/current/amazon-ssm-agent";
/** Both files are a few hundred bytes. */
const MAX_BYTES = 64 * 1024;

/** Reads the SSM agent's identity, its Profile settings and its version; nothing here needs the agent running. */
export async function readSsmAgent(ctx: Pick<Context, "files" | "exec">): Promise<SsmAgentState> {
  const snap = await ctx.files.stat(SNAP_BINARY).catch(() => undefined);
  const [identity, config, version] = await Promise.all([
    ctx.files.readText(IDENTITY_CONFIG_PATH, { maxBytes: MAX_BYTES }).then(parseIdentityConfig, (error) => ({
      unread: whyUnread(error),
    })),
    ctx.files.readText(AGENT_CONFIG_PATH, { maxBytes: MAX_BYTES }).catch(() => undefined),
    agentVersion(ctx, snap ? SNAP_BINARY : "amazon-ssm-agent"),
  ]);
  return {
    identity,
    // Without amazon-ssm-agent.json the agent runs on its defaults.
    shareCreds: config === undefined || parseShareCreds(config),
    version,
    unit: snap ? AGENT_UNITS.snap : AGENT_UNITS.package,
  };
}

function whyUnread(error: unknown): string {
  const code = (error as { code?: string }).code;
  if (code === "ENOENT")
    return `no ${IDENTITY_CONFIG_PATH}: the agent is not installed, has not started, or predates that file`;
  const failure = describeFileFailure(code);
  return `cannot read ${IDENTITY_CONFIG_PATH}: ${failure?.what ?? code ?? "unreadable"}${code === "EACCES" ? ", run with sudo" : ""}`;
}

async function agentVersion(ctx: Pick<Context, "exec">, binary: string): Promise<string | null> {
  try {
    const answer = await ctx.exec.run([binary, "--version"], { timeoutMs: 3000 });
    return answer.exitCode === 0 ? parseAgentVersion(answer.stdout) : null;
  } catch (error) {
    if (error instanceof CannotRunError) return null;
    throw error;
  }
}
