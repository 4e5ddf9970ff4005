/** The CanonicalHeaders block of a SigV4 canonical request. */

/** A header value as SigV4 signs it: line breaks become spaces, runs of spaces/tabs collapse, ends trimmed. */
export function normalizeHeaderValue(value: string): string {
  return value.replace(/[\r\n]/g, " ").replace(/[ \t]+/g, " ").trim();
}

/**
 * `name:value\n` for each of `signedHeaders`, in the given order (a conforming client sends them sorted). A signed
 * header that is absent signs as an empty value, which then fails the signature check.
 */
export function canonicalHeaders(
  headers: { readonly [name: string]: string | undefined },
  signedHeaders: readonly string[],
): string {
  return signedHeaders.map((name) => `${name}:${normalizeHeaderValue(headers[name] ?? "")}\n`).join("");
}
