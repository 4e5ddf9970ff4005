/** The SigV4 canonical request and the string to sign built from it. */
import { hash } from "node:crypto";
import { ALGORITHM } from "./constants.ts";

/** The six parts of a canonical request, each already in canonical form. */
export interface CanonicalRequestParts {
  readonly method: string;
  readonly canonicalUri: string;
  readonly canonicalQuery: string;
  /** The `name:value\n` block (see `canonicalHeaders`). */
  readonly canonicalHeaders: string;
  /** The SignedHeaders list as signed, `host;x-amz-date`. */
  readonly signedHeaders: string;
  /** Hex SHA-256 of the body, or `UNSIGNED-PAYLOAD` / a `STREAMING-...` value. */
  readonly payloadHash: string;
}

/** Method, URI, query, headers, signed header list and payload hash, joined by `\n`. */
export function canonicalRequest(parts: CanonicalRequestParts): string {
  return [
    parts.method,
    parts.canonicalUri,
    parts.canonicalQuery,
    parts.canonicalHeaders,
    parts.signedHeaders,
    parts.payloadHash,
  ].join("\n");
}

/** Hex SHA-256 of `data` (UTF-8 for strings). */
export function sha256Hex(data: string | Uint8Array): string {
  return hash("sha256", data, "hex");
}

/**
 * The bytes of a canonical request. Header values come from Node as latin1 strings (one character per byte on the
 * wire), so a canonical request whose characters all fit in a byte is hashed as those bytes: a UTF-8 value the
 * client signed as UTF-8 hashes the same, and the upstream, which hashes the raw bytes it receives, agrees.
 * Text with wider characters (built in code, not read off the wire) is hashed as UTF-8.
 */
function canonicalBytes(canonical: string): Buffer {
  return Buffer.from(canonical, /[\u0100-\uffff]/.test(canonical) ? "utf8" : "latin1");
}

/** `AWS4-HMAC-SHA256\n<amzDate>\n<scope>\n<hex sha256 of the canonical request's bytes>`. */
export function stringToSign(amzDate: string, scope: string, canonical: string): string {
  return `${ALGORITHM}\n${amzDate}\n${scope}\n${sha256Hex(canonicalBytes(canonical))}`;
}
