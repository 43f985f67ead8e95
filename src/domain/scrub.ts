import { maskKeyId } from "./mask";

/** Secret keys are 40 base64 characters and session tokens far longer; nothing else we print looks like that. */
const SECRET_LIKE = /[A-Za-z0-9/+=]{40,}/g;
const KEY_ID = /\b(?:AKIA|ASIA|AROA|AIDA)[A-Z0-9]{12,}\b/g;

/** Last line of defence for text from elsewhere (SDK errors, --verbose): hides anything secret-shaped. */
export function scrubSecrets(text: string): string {
  return text.replace(SECRET_LIKE, "[redacted]").replace(KEY_ID, (id) => maskKeyId(id));
}
