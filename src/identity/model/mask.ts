/** Shows enough of an access key id to recognise it (`AKIA…WXYZ`), never enough to use it. */
export function maskKeyId(keyId: string): string {
  const id = keyId.trim();
  // Real key ids are 16+ characters; for anything shorter, 4+4 would reveal most of it.
  if (id.length < 16) return "…";
  return `${id.slice(0, 4)}…${id.slice(-4)}`;
}
