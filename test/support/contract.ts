import { expect } from "vitest";
import { decodeDiagnose } from "../../src/contract/diagnose";
import { decodeError } from "../../src/contract/error";
import { decodeRecover } from "../../src/contract/recover";
import { decodeWhoami } from "../../src/contract/whoami";

const DECODERS = { whoami: decodeWhoami, diagnose: decodeDiagnose, recover: decodeRecover };

export type ContractCommand = keyof typeof DECODERS;

export const isContractCommand = (command: string | undefined): command is ContractCommand =>
  command !== undefined && Object.hasOwn(DECODERS, command);

/**
 * What `hpiam <command> --json` printed (its document, or its error document) decodes through the contract, and
 * loses nothing on the way: a field it prints that the contract does not type fails here, as does one it lacks.
 */
export function expectContract(command: ContractCommand, printed: string): void {
  const document: unknown = JSON.parse(printed);
  const isError = typeof document === "object" && document !== null && "error" in document;
  const decoded = isError ? decodeError(document) : DECODERS[command](document);
  expect(decoded.ok || decoded.error, `hpiam ${command} --json: ${printed.slice(0, 200)}`).toBe(true);
  if (decoded.ok) expect(JSON.parse(JSON.stringify(decoded.value))).toStrictEqual(document);
}
