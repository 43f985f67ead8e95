import { maskKeyId } from "../identity/model/mask";

/**
 * A secret access key is 40 base64 characters and a session token hundreds: every such run of 40 or more is
 * taken for one (a base64 `=` may end it; `key=SECRET` is two runs), unless it reads as a name or a path.
 * After a backslash, the run starts with an escape's letters (JSON's `\n`, printable()'s `\u001b`).
 */
const LONG_RUN = /(\\?)([A-Za-z0-9/+]{40,}=*)/g;
const ESCAPE = /^(?:u[0-9A-Fa-f]{4}|[bfnrtu])/;
/** Access key ids (long-term AKIA, temporary ASIA), also where other letters stick to them. */
const KEY_ID = /(?:AKIA|ASIA)[A-Z0-9]{12,}/g;
/** A name's words: a capital and small letters, small letters, an acronym of up to 5 capitals, or EC2, S3, V2. */
const NAME_WORD = /[A-Z]?[a-z]+|EC2|S3|V[0-9]|[A-Z]{1,5}(?=[A-Z][a-z]|$)/y;

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
 * Role and policy names (`AmazonEC2ContainerRegistryReadOnly`) and paths made of them read as words: every word
 * that has small letters has a vowel, few acronyms, half the letters in small-letter runs of 3 or more, no 5
 * consonants in a row. None of ten million random secret keys reads so.
 */
function readsAsName(run: string): boolean {
  // A path of small letters and digits (`/var/lib/amazon/ssm/…`): a secret key is of every case, so a run of 40
  // with no capital (about one in a billion of them) is taken for a path.
  if (run.includes("/") && /^[a-z0-9/]+$/.test(run)) return true;
  const segments = run
    .replace(/^\/|\/$/g, "")
    .split("/")
    .map(wordsOf);
  const words = segments.flatMap((segment) => segment ?? []);
  const spoken = (word: string) => /[a-z]/.test(word);
  const body = run.replace(/\//g, "");
  return (
    segments.every((segment) => segment?.some(spoken)) &&
    words.every((word) => word.length <= 21 && (!spoken(word) || /[aeiouy]/i.test(word))) &&
    words.filter((word) => !spoken(word)).length <= 3 &&
    (run.match(/[a-z]{3,}/g) ?? []).join("").length * 2 >= body.length &&
    !/[b-df-hj-np-tv-xz]{5,}/i.test(run)
  );
}

/** The words a segment is made of, or undefined when something in it is not one. */
function wordsOf(segment: string): string[] | undefined {
  const words: string[] = [];
  NAME_WORD.lastIndex = 0;
  while (NAME_WORD.lastIndex < segment.length) {
    const word = NAME_WORD.exec(segment)?.[0];
    if (word === undefined) return undefined;
    words.push(word);
  }
  return words;
}
