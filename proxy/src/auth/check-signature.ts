/** Recomputes a request's signature and compares it with the one the client sent. */
import { S3Error } from "../errors.ts";
import { canonicalHeaders } from "./canonical-headers.ts";
import { canonicalQuery } from "./canonical-query.ts";
import { canonicalRequest, stringToSign } from "./canonical-request.ts";
import { canonicalUriCandidates } from "./canonical-uri.ts";
import type { QueryParam } from "./query-params.ts";
import type { RequestHead } from "./request-head.ts";
import { signatureEquals } from "./signature-equals.ts";
import { signatureHex } from "./signing-key.ts";

/** Everything the signature covers, besides the request head itself. */
export interface SignatureInput {
  readonly head: RequestHead;
  readonly params: readonly QueryParam[];
  /** Query parameter left out of the canonical query (`X-Amz-Signature` for presigned URLs). */
  readonly omitParam: string | undefined;
  readonly signedHeaders: readonly string[];
  /** The SignedHeaders value exactly as sent. */
  readonly signedHeadersValue: string;
  readonly payloadHash: string;
  readonly amzDate: string;
  readonly scope: string;
  readonly signingKey: Buffer;
  /** The signature the client sent. */
  readonly provided: string;
}

/**
 * Throws S3Error SignatureDoesNotMatch unless `provided` is the signature of the request under `signingKey`, for one
 * of the canonical URIs the client may have signed (see `canonicalUriCandidates`). Comparison is constant-time.
 */
export function checkSignature(input: SignatureInput): void {
  const query = canonicalQuery(input.params, input.omitParam);
  const headers = canonicalHeaders(input.head.headers, input.signedHeaders);
  let matched = false;
  for (const canonicalUri of canonicalUriCandidates(input.head.path)) {
    const canonical = canonicalRequest({
      method: input.head.method,
      canonicalUri,
      canonicalQuery: query,
      canonicalHeaders: headers,
      signedHeaders: input.signedHeadersValue,
      payloadHash: input.payloadHash,
    });
    const expected = signatureHex(input.signingKey, stringToSign(input.amzDate, input.scope, canonical));
    // Evaluate every candidate, so the time taken does not tell which one matched.
    matched = signatureEquals(expected, input.provided) || matched;
  }
  if (!matched) throw new S3Error("SignatureDoesNotMatch");
}
