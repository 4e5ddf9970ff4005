/** The result of SigV4 verification, shared by the verifier, the aws-chunked decoder and the pipeline. */
import type { ChecksumAlgorithm } from "../checksum/algorithms.ts";
import type { Credentials } from "../types.ts";

/**
 * How the body is protected, from `x-amz-content-sha256` (or `X-Amz-Content-Sha256` / its absence for presigned
 * URLs). The pipeline must act on it:
 * - `unsigned`: forward the body as is.
 * - `sha256`: the body's SHA-256 must equal `hex`; check it while streaming and fail with
 *   XAmzContentSHA256Mismatch before the upstream request completes (see `createPayloadVerifier`).
 * - the `streaming-*` kinds: the body is aws-chunked; pipe it through `createChunkedDecoder`, which verifies it and
 *   emits the decoded bytes (`decodedContentLength` of them).
 */
export type PayloadMode =
  | { readonly kind: "unsigned" }
  | { readonly kind: "sha256"; readonly hex: string }
  /** STREAMING-AWS4-HMAC-SHA256-PAYLOAD: every chunk signed, chained from the seed signature. */
  | { readonly kind: "streaming-signed" }
  /** STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER: signed chunks, then a checksum trailer with its own signature. */
  | { readonly kind: "streaming-signed-trailer"; readonly trailer: ChecksumAlgorithm }
  /** STREAMING-UNSIGNED-PAYLOAD-TRAILER: plain chunks, then a checksum trailer the body must match. */
  | { readonly kind: "streaming-unsigned-trailer"; readonly trailer: ChecksumAlgorithm };

/** The credential scope a request was signed for. */
export interface SigningScope {
  /** `YYYYMMDD` */
  readonly date: string;
  readonly region: string;
  /** Always `s3`. */
  readonly service: string;
  /** `<date>/<region>/s3/aws4_request`, as it appears in strings to sign. */
  readonly value: string;
}

/** A request whose signature has been verified. */
export interface VerifiedRequest {
  /** Where the signature was: the Authorization header, or the query string of a presigned URL. */
  readonly auth: "header" | "presigned";
  readonly accessKeyId: string;
  /** The signing timestamp, `YYYYMMDDTHHMMSSZ` (from x-amz-date, Date or X-Amz-Date). */
  readonly amzDate: string;
  /** The signing timestamp as a Date. */
  readonly requestTime: Date;
  readonly scope: SigningScope;
  /** The derived SigV4 signing key for `scope` (secret material: never log it). */
  readonly signingKey: Buffer;
  /** The request's verified signature, hex; the seed ("previous signature") of the first chunk signature. */
  readonly seedSignature: string;
  /** The signed header names, lower case, in the order signed. */
  readonly signedHeaders: readonly string[];
  readonly payload: PayloadMode;
  /** `x-amz-decoded-content-length`, in bytes: set for the `streaming-*` payload kinds, undefined otherwise. */
  readonly decodedContentLength: number | undefined;
  /** When a presigned URL stops being valid; undefined for header auth. */
  readonly expiresAt: Date | undefined;
}

/** Options of `verifyRequest`. */
export interface VerifyOptions {
  /** The one key pair clients sign with. */
  readonly credentials: Credentials;
  /**
   * The region the scope must name. @default - any well-formed region is accepted (clients of a self-hosted proxy
   * use `us-east-1`, `auto` or their own)
   */
  readonly region?: string;
  /** The current time. */
  readonly now: Date;
  /**
   * Largest allowed difference between the request's signing time and `now`, in milliseconds (for presigned URLs:
   * how far in the future X-Amz-Date may be).
   */
  readonly maxClockSkewMs: number;
}
