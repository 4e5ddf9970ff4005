/**
 * What Convex would log when a step of its S3 sequence fails, and why. The context strings are Convex's own
 * (get-convex/convex-backend `crates/aws_s3/src/storage.rs` and `types.rs`, read at 0068f129): e.g.
 * `Failed to create multipart upload` around the SDK error, `Object part missing hash! Expected crc32` from
 * `ObjectPart::new`, the `invalid Content-Range header` text of the range prefetch. What follows the context is
 * the S3 error code and HTTP status the endpoint answered (the Rust SDK shows the code; RGW sends an empty message).
 */
import { MISSING_CRC32_MESSAGE } from "./convex-s3-sequence.ts";
import type { ConvexFlags } from "./flags.ts";
import type { RunFailure } from "./types.ts";

/** What a failed step looked like on the wire. */
export interface StepFailure {
  readonly step: string;
  readonly httpStatus?: number;
  readonly code: string;
  readonly message?: string;
}

const NETWORK_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ENOTFOUND", "EAI_AGAIN", "ETIMEDOUT", "TimeoutError", "EHOSTUNREACH", "ENETUNREACH", "UND_ERR_CONNECT_TIMEOUT"]);

/**
 * The SDK error as the Rust SDK displays it: `SdkError` says `service error`, `dispatch failure` (no connection) or
 * `request has timed out`; an S3 code the operation does not model displays as `unhandled error (<code>)`
 * (smithy-rs codegen). The HTTP status and the server's message are in the step's own fields.
 */
function sdkError(failure: StepFailure): string {
  if (failure.code === "TimeoutError" || failure.code === "ETIMEDOUT" || failure.code === "UND_ERR_CONNECT_TIMEOUT") return "request has timed out";
  if (NETWORK_CODES.has(failure.code) || failure.httpStatus === undefined) return `dispatch failure (${failure.code})`;
  return `service error: unhandled error (${failure.code})`;
}

/** Convex's log line for this failure. */
export function convexErrorLine(failure: StepFailure): string {
  if (failure.code === "ConvexError") return failure.message ?? failure.code;
  if (failure.step === "CreateMultipartUpload") return `Failed to create multipart upload: ${sdkError(failure)}`;
  if (failure.step.startsWith("GetObject (range") && failure.message?.startsWith("invalid Content-Range header")) return failure.message;
  if (failure.step.startsWith("DeleteObject")) return `Failed to delete object: ${sdkError(failure)}`;
  if (failure.step.startsWith("presigned")) {
    return `node executor: ${failure.step} answered ${failure.httpStatus === undefined ? failure.code : `HTTP ${failure.httpStatus} ${failure.code}`}`;
  }
  return `${failure.step}: ${sdkError(failure)}`;
}

/** Why the step failed and what changes it, from the code and the settings that were in force. */
export function failureCause(failure: StepFailure, flags: ConvexFlags, mode: "s3" | "proxied"): string {
  const { code, step } = failure;
  if (failure.message === MISSING_CRC32_MESSAGE) {
    return "UploadPart answered without x-amz-checksum-crc32, which Convex requires unless AWS_S3_DISABLE_CHECKSUMS=true (Ceph RGW before Tentacle, DigitalOcean Spaces, Aliyun OSS)";
  }
  if (step === "CreateMultipartUpload" && !flags.disableSse && (code === "InvalidRequest" || code === "InvalidArgument" || code === "NotImplemented")) {
    return "the store refuses SSE-S3 (x-amz-server-side-encryption: AES256): RGW over plain HTTP (rgw_crypt_require_ssl) or without a KMS/Vault, MinIO without KMS; needs AWS_S3_DISABLE_SSE=true";
  }
  if (failure.message?.startsWith("invalid Content-Range header")) return "the ranged GET did not return a usable Content-Range: needs AWS_S3_DISABLE_RANGE_PREFETCH=true";
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") {
    return flags.forcePathStyle
      ? "the endpoint's name does not resolve"
      : "virtual-host addressing needs <bucket>.<host> to resolve (wildcard DNS): needs AWS_S3_FORCE_PATH_STYLE=true";
  }
  if (code === "NoSuchBucket") {
    return flags.forcePathStyle || mode === "proxied"
      ? "the bucket does not exist (Convex never creates buckets)"
      : "the endpoint does not serve virtual-host addressing (<bucket>.<host>): needs AWS_S3_FORCE_PATH_STYLE=true";
  }
  if (code === "SignatureDoesNotMatch") return "the signature did not match: wrong secret key, or something between Convex and the store rewrites signed headers (use proxied mode)";
  if (code === "InvalidAccessKeyId") return "the access key is unknown to the endpoint";
  if (code === "AccessDenied") return "the keys may not do this on this bucket (bucket policy or user permissions)";
  if (code === "RequestTimeTooSkewed") return "the clocks differ by more than 15 minutes: sync them (NTP)";
  if (code === "BadDigest" || code === "InvalidDigest" || code === "XAmzContentSHA256Mismatch") return "the store refused a checksum the SDK sent";
  if (code === "MissingContentLength") return "the store does not accept aws-chunked bodies without Content-Length";
  if (NETWORK_CODES.has(code)) return "no answer from the endpoint";
  return "the endpoint refused this request";
}

/** The RunFailure for a failed step. */
export function runFailure(failure: StepFailure, flags: ConvexFlags, mode: "s3" | "proxied"): RunFailure {
  return {
    step: failure.step,
    ...(failure.httpStatus === undefined ? {} : { httpStatus: failure.httpStatus }),
    code: failure.code,
    ...(failure.message ? { message: failure.message } : {}),
    convexError: convexErrorLine(failure),
    cause: failureCause(failure, flags, mode),
  };
}
