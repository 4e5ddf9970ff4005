/**
 * Stage 7a: SigV4 header signing of upstream requests with the upstream credentials, built from the same SigV4
 * pieces the verifier uses (../auth: URI encoding, canonical request, string to sign, signing key).
 * The path and query are built here in canonical (RFC 3986) form and every header is signed with the value sent
 * in SigV4's normalized form, so what is signed is exactly what is sent.
 */
import {
  EMPTY_SHA256,
  UNSIGNED_PAYLOAD,
  canonicalRequest,
  deriveSigningKey,
  formatAmzDate,
  normalizeHeaderValue,
  signatureHex,
  stringToSign,
  uriEncode,
} from "../auth/index.ts";
import type { Credentials } from "../types.ts";

/** UNSIGNED-PAYLOAD (bodies streamed without being hashed first) and the SHA-256 of an empty body. */
export { EMPTY_SHA256, UNSIGNED_PAYLOAD };

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

export function signUpstreamRequest(input: UpstreamSigningInput): SignedUpstreamRequest {
  const amzDate = formatAmzDate(input.now);
  const date = amzDate.slice(0, 8);
  let canonicalUri = "/";
  if (input.bucket !== undefined) {
    canonicalUri += uriEncode(input.bucket, true);
    if (input.key !== undefined) canonicalUri += `/${uriEncode(input.key, false)}`;
  }
  const pairs = input.query
    .map(([k, v]) => [uriEncode(k, true), uriEncode(v, true)] as const)
    .sort(([ak, av], [bk, bv]) => (ak < bk ? -1 : ak > bk ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
  const wireQuery = pairs.map(([k, v]) => (v === "" ? k : `${k}=${v}`)).join("&");

  // Values go out in the form SigV4 signs (runs of spaces and tabs collapsed, ends trimmed): an upstream that
  // canonicalizes whitespace differently (RGW keeps inner tabs) then still hashes the same bytes.
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(input.headers)) headers[name] = normalizeHeaderValue(value);
  Object.assign(headers, {
    host: input.host,
    "x-amz-date": amzDate,
    "x-amz-content-sha256": input.payloadHash,
  });
  // Every header sent is signed: nothing reaches the upstream that the signature does not bind.
  const signed = Object.keys(headers).sort();
  const signedHeaders = signed.join(";");
  const canonical = canonicalRequest({
    method: input.method,
    canonicalUri,
    canonicalQuery: pairs.map(([k, v]) => `${k}=${v}`).join("&"),
    canonicalHeaders: signed.map((h) => `${h}:${headers[h] ?? ""}\n`).join(""),
    signedHeaders,
    payloadHash: input.payloadHash,
  });
  const scope = `${date}/${input.region}/s3/aws4_request`;
  const signingKey = deriveSigningKey(input.credentials.secretAccessKey, date, input.region, "s3");
  const signature = signatureHex(signingKey, stringToSign(amzDate, scope, canonical));
  headers.authorization =
    `AWS4-HMAC-SHA256 Credential=${input.credentials.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
  return { path: wireQuery === "" ? canonicalUri : `${canonicalUri}?${wireQuery}`, headers };
}
