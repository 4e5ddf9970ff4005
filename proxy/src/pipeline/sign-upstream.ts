/**
 * Stage 7a: SigV4 header signing of upstream requests with the upstream credentials (node:crypto only; the
 * signing key comes from ../auth/signing-key.ts, which derives it once a day).
 * The path and query are built here in canonical (RFC 3986) form, so what is signed is exactly what is sent.
 */
import { createHash, createHmac } from "node:crypto";
import { deriveSigningKey } from "../auth/signing-key.ts";
import type { Credentials } from "../types.ts";

/** The payload hash for bodies that are streamed without being hashed first. */
export const UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD";
/** SHA-256 of the empty string. */
export const EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

export interface UpstreamSigningInput {
  readonly method: string;
  /** Host header value (host[:port]) of the upstream. */
  readonly host: string;
  readonly bucket: string | undefined;
  readonly key: string | undefined;
  readonly query: readonly (readonly [string, string])[];
  /** Headers to send, lower-case names, without host/authorization/x-amz-date/x-amz-content-sha256. */
  readonly headers: { readonly [name: string]: string };
  /** Hex SHA-256 of the body, or UNSIGNED-PAYLOAD. */
  readonly payloadHash: string;
  readonly credentials: Credentials;
  readonly region: string;
  readonly now: Date;
}

export interface SignedUpstreamRequest {
  /** Path and query, RFC 3986 encoded, as put on the wire. */
  readonly path: string;
  /** All headers to send, including host, x-amz-date, x-amz-content-sha256 and authorization. */
  readonly headers: Record<string, string>;
}

/** Percent-encodes everything but the RFC 3986 unreserved characters (and `/` when `keepSlash`). */
export function encodeRfc3986(text: string, keepSlash = false): string {
  const encoded = encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return keepSlash ? encoded.replace(/%2F/g, "/") : encoded;
}

export function signUpstreamRequest(input: UpstreamSigningInput): SignedUpstreamRequest {
  const amzDate = input.now.toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");
  const date = amzDate.slice(0, 8);
  let canonicalUri = "/";
  if (input.bucket !== undefined) {
    canonicalUri += encodeRfc3986(input.bucket);
    if (input.key !== undefined) canonicalUri += `/${encodeRfc3986(input.key, true)}`;
  }
  const pairs = input.query
    .map(([k, v]) => [encodeRfc3986(k), encodeRfc3986(v)] as const)
    .sort(([ak, av], [bk, bv]) => (ak < bk ? -1 : ak > bk ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
  const canonicalQuery = pairs.map(([k, v]) => `${k}=${v}`).join("&");
  const wireQuery = pairs.map(([k, v]) => (v === "" ? k : `${k}=${v}`)).join("&");

  const headers: Record<string, string> = {
    ...input.headers,
    host: input.host,
    "x-amz-date": amzDate,
    "x-amz-content-sha256": input.payloadHash,
  };
  const signed = Object.keys(headers)
    .filter((h) => h === "host" || h === "content-type" || h === "content-md5" || h.startsWith("x-amz-"))
    .sort();
  const canonicalHeaders = signed.map((h) => `${h}:${(headers[h] ?? "").trim().replace(/\s+/g, " ")}\n`).join("");
  const signedHeaders = signed.join(";");
  const canonicalRequest = [input.method, canonicalUri, canonicalQuery, canonicalHeaders, signedHeaders, input.payloadHash].join("\n");
  const scope = `${date}/${input.region}/s3/aws4_request`;
  const stringToSign = ["AWS4-HMAC-SHA256", amzDate, scope, sha256Hex(canonicalRequest)].join("\n");
  const kSigning = deriveSigningKey(input.credentials.secretAccessKey, date, input.region, "s3");
  const signature = createHmac("sha256", kSigning).update(stringToSign).digest("hex");
  headers.authorization =
    `AWS4-HMAC-SHA256 Credential=${input.credentials.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
  return { path: wireQuery === "" ? canonicalUri : `${canonicalUri}?${wireQuery}`, headers };
}

function sha256Hex(data: string): string {
  return createHash("sha256").update(data).digest("hex");
}
