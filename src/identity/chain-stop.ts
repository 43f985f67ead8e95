/** Where botocore stops with an error, as the chain model raises it; and a file's sections, or such a stop. */
import type { ReadIni } from "./botocore-chain";
import { type ChainError, chainErrors } from "./chain-errors";
import type { IniSections } from "./configparser";

export class ChainStop extends Error {
  constructor(readonly detail: ChainError) {
    super(detail.message);
  }
}

export function stop(detail: ChainError): never {
  throw new ChainStop(detail);
}

/** An unparseable file stops the chain where it is read; a missing one reads as empty. */
export function sectionsOf(file: ReadIni): IniSections {
  if (file.state === "broken") stop(chainErrors.parse(file.path, file.line, file.reason));
  return file.state === "parsed" ? file.sections : {};
}
