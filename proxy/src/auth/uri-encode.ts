const UNRESERVED_ONLY = /^[A-Za-z0-9\-._~]*$/;
const UNRESERVED_OR_SLASH_ONLY = /^[A-Za-z0-9\-._~/]*$/;

/**
 * SigV4's URI encoding: every byte of the UTF-8 form except the RFC 3986 unreserved characters
 * (`A-Z a-z 0-9 - . _ ~`) becomes `%XX` with upper-case hex. `/` is kept when `encodeSlash` is false (paths).
 */
export function uriEncode(text: string, encodeSlash: boolean): string {
  // Fast path: most names and values (keys, dates, credentials) need no escaping at all.
  if ((encodeSlash ? UNRESERVED_ONLY : UNRESERVED_OR_SLASH_ONLY).test(text)) return text;
  let out = "";
  for (const byte of Buffer.from(text, "utf8")) {
    const unreserved =
      (byte >= 0x41 && byte <= 0x5a) || // A-Z
      (byte >= 0x61 && byte <= 0x7a) || // a-z
      (byte >= 0x30 && byte <= 0x39) || // 0-9
      byte === 0x2d || byte === 0x2e || byte === 0x5f || byte === 0x7e || // - . _ ~
      (byte === 0x2f && !encodeSlash);
    out += unreserved ? String.fromCharCode(byte) : `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

/** `decodeURIComponent`, or undefined when `text` has a malformed escape or invalid UTF-8. */
export function percentDecode(text: string): string | undefined {
  if (!text.includes("%")) return text;
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}
