import { dirname, join } from "node:path";
import type { Context } from "../context";
import {
  NodeFileFormatError,
  type ProvisioningParameters,
  parseProvisioningParameters,
  parseResourceConfig,
  type ResourceConfig,
} from "./model/resource-config";
import { CannotRunError, type ErrorCode } from "../errors";

export const RESOURCE_CONFIG_PATH = "/opt/ml/config/resource_config.json";

/** resource_config.json is a few KB even on large clusters; anything this big is not one. */
const MAX_NODE_FILE_BYTES = 16 * 1024 * 1024;

const OPTIONAL_MISSING: ReadonlySet<ErrorCode> = new Set(["not-hyperpod", "permission-denied"]);

export interface NodeFiles {
  resourceConfigPath: string;
  resource: ResourceConfig;
  /** Optional: newer clusters may set Slurm roles through the API instead. */
  provisioning?: ProvisioningParameters;
}

/** --resource-config, then HPIAM_RESOURCE_CONFIG, then where HyperPod writes it. */
export function resourceConfigPath(ctx: Context, flag?: string): string {
  return flag ?? ctx.env.HPIAM_RESOURCE_CONFIG ?? RESOURCE_CONFIG_PATH;
}

/** Reads and parses the node's resource_config.json (required) and provisioning_parameters.json (optional). */
export async function loadNodeFiles(ctx: Context, path: string): Promise<NodeFiles> {
  const resource = parseNodeFile(await readNodeFile(ctx, path), path, parseResourceConfig);
  const paramsPath = join(dirname(path), "provisioning_parameters.json");
  // Absent is fine (newer clusters), and a failed `sudo -n cat` cannot tell absent from denied; but one that is
  // there and broken (far too large, a directory) is reported: guessing the controller group could be wrong.
  const paramsText = await readNodeFile(ctx, paramsPath).catch((error: unknown) => {
    if (error instanceof CannotRunError && OPTIONAL_MISSING.has(error.code)) return undefined;
    throw error;
  });
  return {
    resourceConfigPath: path,
    resource,
    ...(paramsText === undefined
      ? {}
      : { provisioning: parseNodeFile(paramsText, paramsPath, parseProvisioningParameters) }),
  };
}

/**
 * HyperPod makes /opt/ml/config readable by root only; the HyperPod workshop's own recipe is `sudo cat`. A
 * non-root user with password-less sudo gets the same through `sudo -n` (which never prompts) and `head`, which
 * bounds it.
 */
export async function readNodeFile(ctx: Context, path: string): Promise<string> {
  try {
    return await ctx.files.readText(path, { maxBytes: MAX_NODE_FILE_BYTES });
  } catch (error) {
    const code = (error as { code?: string }).code ?? "EIO";
    if (code === "EACCES" && ctx.user.uid !== 0) {
      // A few bytes past the limit (a final newline is stripped) tell it is too large, without holding it all.
      const viaSudo = await ctx.exec
        .run(["sudo", "-n", "head", "-c", String(MAX_NODE_FILE_BYTES + 16), "--", path], { timeoutMs: 5000 })
        .catch(() => undefined);
      if (viaSudo?.exitCode === 0) {
        if (Buffer.byteLength(viaSudo.stdout) > MAX_NODE_FILE_BYTES) throw unreadable(path, "EFBIG");
        return viaSudo.stdout;
      }
    }
    throw unreadable(path, code);
  }
}

function parseNodeFile<T>(text: string, path: string, parse: (text: string) => T): T {
  try {
    return parse(text);
  } catch (error) {
    if (!(error instanceof NodeFileFormatError)) throw error;
    throw new CannotRunError(
      `${path} is not a valid HyperPod file: ${error.reason}`,
      "Compare it with another node's copy, or point --resource-config at a good one.",
      "bad-node-file",
    );
  }
}

function unreadable(path: string, code: string): CannotRunError {
  switch (code) {
    case "ENOENT":
      return new CannotRunError(
        `${path} does not exist: this does not look like a HyperPod node`,
        "Off the cluster, use --cluster NAME; on a node, pass --resource-config PATH.",
        "not-hyperpod",
      );
    case "EACCES":
      return new CannotRunError(
        `cannot read ${path}: permission denied`,
        "Run with sudo.",
        "permission-denied",
      );
    case "EFBIG":
      return new CannotRunError(
        `${path} is too large to be a HyperPod file (over ${MAX_NODE_FILE_BYTES / 1024 / 1024} MB)`,
        "Compare it with another node's copy, or point --resource-config at a good one.",
        "bad-node-file",
      );
    default:
      return new CannotRunError(
        `cannot read ${path} (${code})`,
        "Check that it is a regular file.",
        "unreadable",
      );
  }
}
