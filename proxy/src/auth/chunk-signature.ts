/** Signatures of aws-chunked bodies: one per chunk, chained from the request's seed signature, and the trailer's. */
import { sha256Hex } from "./canonical-request.ts";
import { CHUNK_ALGORITHM, EMPTY_SHA256, TRAILER_ALGORITHM } from "./constants.ts";
import { signatureHex } from "./signing-key.ts";

/** What every chunk signature of one request shares. */
export interface ChunkSigningContext {
  readonly signingKey: Uint8Array;
  /** `YYYYMMDDTHHMMSSZ` of the request. */
  readonly amzDate: string;
  /** `<date>/<region>/s3/aws4_request` */
  readonly scope: string;
}

/**
 * The signature of one chunk: HMAC over
 * `AWS4-HMAC-SHA256-PAYLOAD\n<amzDate>\n<scope>\n<previous signature>\n<sha256("")>\n<sha256(chunk data)>`.
 * The first chunk's previous signature is the request's (seed) signature; the final chunk has no data.
 */
export function chunkSignature(context: ChunkSigningContext, previousSignature: string, dataSha256Hex: string): string {
  const toSign = `${CHUNK_ALGORITHM}\n${context.amzDate}\n${context.scope}\n${previousSignature}\n${EMPTY_SHA256}\n${dataSha256Hex}`;
  return signatureHex(context.signingKey, toSign);
}

/**
 * The signature of the trailer section (STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER): HMAC over
 * `AWS4-HMAC-SHA256-TRAILER\n<amzDate>\n<scope>\n<final chunk signature>\n<sha256(trailers)>`, where `trailers` is
 * `name:value\n` for each trailing header (without x-amz-trailer-signature), in the order sent.
 */
export function trailerSignature(context: ChunkSigningContext, finalChunkSignature: string, canonicalTrailers: string): string {
  const toSign = `${TRAILER_ALGORITHM}\n${context.amzDate}\n${context.scope}\n${finalChunkSignature}\n${sha256Hex(canonicalTrailers)}`;
  return signatureHex(context.signingKey, toSign);
}
