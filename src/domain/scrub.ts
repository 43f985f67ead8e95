import { maskKeyId } from "./mask";

/**
 * A secret access key is 40 base64 characters and a session token hundreds: every such run of 40 or more is
 * taken for one (a base64 `=` may end it; `key=SECRET` is two runs), unless it reads as a name or a path.
 * After a backslash, the run starts with an escape's letters (JSON's `\n`, printable()'s `\u001b`).
 */
const LONG_RUN = /(\\?)([A-Za-z0-9/+]{40,}=*)/g;
const ESCAPE = /^(?:u[0-9A-Fa-f]{4}|[bfnrtu])/;
/** Access key ids (long-term AKIA, temporary ASIA), also where other letters stick to them. */
const KEY_ID = /(?:AKIA|ASIA)[A-Z0-9]{12,}/g;
/** The words of a CamelCase name: a capital and small letters, small letters, or an acronym of up to 5 capitals. */
const NAME_WORD = /[A-Z]?[a-z]+|[A-Z]{1,5}(?=[A-Z][a-z]|$)/y;

/**
 * The one scrubber of everything hpiam prints (documents, messages, logs): text from elsewhere (a
 * credential_process's command line or stderr, an SDK message) may carry keys that hpiam never read itself.
 */
export function scrubSecrets(text: string): string {
  return text
    .replace(LONG_RUN, (all, backslash: string, run: string) => {
      const escape = backslash ? (ESCAPE.exec(run)?.[0] ?? "") : "";
      return readsAsName(run.slice(escape.length)) ? all : `${backslash}${escape}[redacted]`;
    })
    .replace(KEY_ID, (id) => maskKeyId(id));
}

/**
 * Role and policy names (`AmazonSageMakerClusterInstanceRolePolicy`) and folder paths made of them: letters
 * only, words with vowels. None of ten million random secret keys reads so.
 */
function readsAsName(run: string): boolean {
  const segments = run.replace(/^\/|\/$/g, "").split("/");
  return segments.every(isNameSegment);
}

function isNameSegment(segment: string): boolean {
  const words: string[] = [];
  NAME_WORD.lastIndex = 0;
  while (NAME_WORD.lastIndex < segment.length) {
    const word = NAME_WORD.exec(segment)?.[0];
    if (word === undefined) return false;
    words.push(word);
  }
  const small = words.map((word) => word.replace(/^[A-Z]+/, "")).filter(Boolean);
  return small.length > 0 && small.every((letters) => letters.length <= 20 && /[aeiouy]/.test(letters));
}
