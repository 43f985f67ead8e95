/**
 * Where botocore stops with an error, and where hpiam cannot tell what botocore does, as the chain model (and
 * the adapter that fetches the winning link's keys) raises them; and a file's sections, or such a stop.
 */
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

/** A setting whose effect on botocore hpiam cannot evaluate exactly: the node's verdict is then unknown. */
export interface ChainUndecided {
  /** The setting, as a person finds it (`AWS_CREDENTIAL_EXPIRATION`, `credential_process of [dev]`). */
  setting: string;
  /** Why hpiam cannot tell, and so what botocore might do. */
  why: string;
  path?: string;
}

export class ChainUndecidable extends Error {
  constructor(readonly detail: ChainUndecided) {
    super(`${detail.setting}: ${detail.why}`);
  }
}

export function undecided(setting: string, why: string, path?: string): never {
  throw new ChainUndecidable({ setting, why, ...(path !== undefined ? { path } : {}) });
}

/** An unparseable file stops the chain where it is read; a missing one reads as empty. */
export function sectionsOf(file: ReadIni): IniSections {
  if (file.state === "broken") stop(chainErrors.parse(file.path, file.line, file.reason));
  return file.state === "parsed" ? file.sections : {};
}
