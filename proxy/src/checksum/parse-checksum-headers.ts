/** Reads the flexible-checksum headers of a request: declared values, the SDK's algorithm, the multipart algorithm. */
import { S3Error } from "../errors.ts";
import { DIGEST_BYTES, parseChecksumAlgorithm, type ChecksumAlgorithm } from "./algorithms.ts";

/** What a request says about checksums in its headers. */
export interface ChecksumHeaders {
  /**
   * The value the client declared in an `x-amz-checksum-<alg>` header (base64 of the raw digest); the body must
   * match it. Undefined when there is none.
   */
  readonly value: { readonly algorithm: ChecksumAlgorithm; readonly base64: string } | undefined;
  /** `x-amz-sdk-checksum-algorithm`: the algorithm the SDK used for this request's body (header or trailer). */
  readonly sdkAlgorithm: ChecksumAlgorithm | undefined;
  /** `x-amz-checksum-algorithm`: the algorithm a CreateMultipartUpload asks the parts to use. */
  readonly multipartAlgorithm: ChecksumAlgorithm | undefined;
  /** `x-amz-checksum-type` (`COMPOSITE` or `FULL_OBJECT`), upper-cased, when sent. */
  readonly type: string | undefined;
}

/** Headers of the `x-amz-checksum-` family that are not values. */
const NOT_VALUES = new Set(["x-amz-checksum-algorithm", "x-amz-checksum-type", "x-amz-checksum-mode"]);

function algorithmOf(name: string, header: string): ChecksumAlgorithm {
  const algorithm = parseChecksumAlgorithm(name);
  if (algorithm === undefined) {
    throw new S3Error("InvalidRequest", `Checksum algorithm '${name}' in ${header} is not supported by this proxy; use CRC32, CRC32C, SHA1 or SHA256.`);
  }
  return algorithm;
}

/**
 * Finds the checksum headers in `headers` (lower-case names). Throws S3Error InvalidRequest for an unsupported
 * algorithm (including CRC64NVME) or more than one `x-amz-checksum-<alg>` value, and InvalidDigest for a value that is
 * not the base64 of a digest of the algorithm's size.
 */
export function parseChecksumHeaders(headers: { readonly [name: string]: string | undefined }): ChecksumHeaders {
  let value: ChecksumHeaders["value"];
  for (const [name, raw] of Object.entries(headers)) {
    if (raw === undefined || !name.startsWith("x-amz-checksum-") || NOT_VALUES.has(name)) continue;
    if (value !== undefined) {
      throw new S3Error("InvalidRequest", "Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.");
    }
    const algorithm = algorithmOf(name.slice("x-amz-checksum-".length), name);
    const base64 = raw.trim();
    const digest = Buffer.from(base64, "base64");
    if (digest.length !== DIGEST_BYTES[algorithm] || digest.toString("base64") !== base64) {
      throw new S3Error("InvalidDigest", `Value for ${name} header is invalid: expected the base64 of a ${DIGEST_BYTES[algorithm]}-byte digest.`);
    }
    value = { algorithm, base64 };
  }
  const sdk = headers["x-amz-sdk-checksum-algorithm"];
  const multipart = headers["x-amz-checksum-algorithm"];
  const type = headers["x-amz-checksum-type"];
  return {
    value,
    sdkAlgorithm: sdk === undefined ? undefined : algorithmOf(sdk, "x-amz-sdk-checksum-algorithm"),
    multipartAlgorithm: multipart === undefined ? undefined : algorithmOf(multipart, "x-amz-checksum-algorithm"),
    type: type === undefined ? undefined : type.trim().toUpperCase(),
  };
}
