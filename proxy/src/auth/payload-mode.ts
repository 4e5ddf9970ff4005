/** From the payload hash a request was signed with to the PayloadMode the pipeline acts on. */
import { S3Error } from "../errors.ts";
import { algorithmOfHeader, type ChecksumAlgorithm } from "../checksum/algorithms.ts";
import { STREAMING_SIGNED, STREAMING_SIGNED_TRAILER, STREAMING_UNSIGNED_TRAILER, UNSIGNED_PAYLOAD } from "./constants.ts";
import type { PayloadMode } from "./types.ts";

/** A PayloadMode with the decoded length the streaming kinds declare. */
export interface ResolvedPayload {
  readonly payload: PayloadMode;
  /** `x-amz-decoded-content-length` in bytes, for the streaming kinds. */
  readonly decodedContentLength: number | undefined;
}

function trailerAlgorithm(headers: { readonly [name: string]: string | undefined }, mode: string): ChecksumAlgorithm {
  const trailer = headers["x-amz-trailer"];
  if (trailer === undefined) throw new S3Error("InvalidRequest", `x-amz-trailer is required with x-amz-content-sha256: ${mode}.`);
  const algorithm = algorithmOfHeader(trailer);
  if (algorithm !== undefined) return algorithm;
  if (trailer.trim().toLowerCase() === "x-amz-checksum-crc64nvme") {
    throw new S3Error("NotImplemented", "The x-amz-checksum-crc64nvme trailer is not supported by this proxy; use CRC32, CRC32C, SHA1 or SHA256.");
  }
  throw new S3Error("InvalidRequest", `x-amz-trailer '${trailer}' is not supported; only one x-amz-checksum-<algorithm> trailer is.`);
}

function decodedLength(headers: { readonly [name: string]: string | undefined }): number {
  const value = headers["x-amz-decoded-content-length"];
  if (value === undefined) {
    throw new S3Error("MissingContentLength", "An aws-chunked body needs the x-amz-decoded-content-length header.");
  }
  if (!/^\d{1,15}$/.test(value.trim())) {
    throw new S3Error("InvalidArgument", `x-amz-decoded-content-length '${value}' is not a number of bytes.`);
  }
  return Number(value.trim());
}

/**
 * The PayloadMode for the signed payload hash `payloadHash` (already bound by the signature). Throws S3Error
 * InvalidArgument for a value that is none of the known forms, NotImplemented for SigV4a streaming, and (streaming
 * kinds) MissingContentLength / InvalidArgument for a missing or bad x-amz-decoded-content-length and
 * InvalidRequest / NotImplemented for a missing or unsupported x-amz-trailer.
 */
export function resolvePayloadMode(
  payloadHash: string,
  headers: { readonly [name: string]: string | undefined },
): ResolvedPayload {
  switch (payloadHash) {
    case UNSIGNED_PAYLOAD:
      return { payload: { kind: "unsigned" }, decodedContentLength: undefined };
    case STREAMING_SIGNED:
      return { payload: { kind: "streaming-signed" }, decodedContentLength: decodedLength(headers) };
    case STREAMING_SIGNED_TRAILER: {
      const trailer = trailerAlgorithm(headers, payloadHash);
      return { payload: { kind: "streaming-signed-trailer", trailer }, decodedContentLength: decodedLength(headers) };
    }
    case STREAMING_UNSIGNED_TRAILER: {
      const trailer = trailerAlgorithm(headers, payloadHash);
      return { payload: { kind: "streaming-unsigned-trailer", trailer }, decodedContentLength: decodedLength(headers) };
    }
  }
  if (/^[0-9a-fA-F]{64}$/.test(payloadHash)) {
    return { payload: { kind: "sha256", hex: payloadHash.toLowerCase() }, decodedContentLength: undefined };
  }
  if (payloadHash.startsWith("STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD")) {
    throw new S3Error("NotImplemented", "SigV4a (AWS4-ECDSA-P256-SHA256) streaming payloads are not supported by this proxy.");
  }
  throw new S3Error(
    "InvalidArgument",
    `x-amz-content-sha256 must be ${UNSIGNED_PAYLOAD}, ${STREAMING_UNSIGNED_TRAILER}, ${STREAMING_SIGNED}, ${STREAMING_SIGNED_TRAILER}, or a valid sha256 value.`,
  );
}
