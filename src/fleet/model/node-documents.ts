import type { Decoded } from "../../contract/decode";
import { decodeError } from "../../contract/error";
import type { NodeAnswer, NodeUnavailable } from "./engine";

/**
 * Why a node's line has no document to read: none came (NodeUnavailable); hpiam stopped there with its error
 * document (`error`); or what came does not decode as this hpiam's (`bad-document`).
 */
export type NodeUnread = NodeUnavailable | "error" | "bad-document";

export interface NodeUnreadable {
  status: NodeUnread;
  reason: string | null;
}

export type NodeReading<T> = { document: T } | NodeUnreadable;

/** One node's answer read through the contract: nothing of a node's document is read by a field name alone. */
export function readAnswer<T>(
  answer: NodeAnswer | undefined,
  decode: (document: unknown) => Decoded<T>,
  command: "whoami" | "diagnose" | "recover",
): NodeReading<T> {
  if (answer?.document === undefined)
    return { status: answer?.unavailable ?? "no-answer", reason: answer?.reason ?? null };
  const { document } = answer;
  if (typeof document === "object" && document !== null && "error" in document) {
    const failed = decodeError(document);
    if (!failed.ok) return unreadable("error", failed.error);
    const { code, message, hint } = failed.value.error;
    return {
      status: "error",
      reason: `hpiam ${command} stopped there (${code}): ${message}${hint ? ` ${hint}` : ""}`,
    };
  }
  const decoded = decode(document);
  return decoded.ok ? { document: decoded.value } : unreadable(command, decoded.error);
}

function unreadable(what: string, error: string): NodeReading<never> {
  return {
    status: "bad-document",
    reason: `its ${what} document does not read as this hpiam's: ${error} (another version of hpiam there?)`,
  };
}
