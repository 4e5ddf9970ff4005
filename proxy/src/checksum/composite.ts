/**
 * The multipart "composite" checksum S3 returns for CompleteMultipartUpload when parts carry checksums:
 * the checksum (same algorithm) of the concatenated raw part digests, base64, then `-<part count>`.
 */
import { S3Error } from "../errors.ts";
import { DIGEST_BYTES, type ChecksumAlgorithm } from "./algorithms.ts";
import { createChecksum } from "./checksum.ts";

/**
 * The composite checksum of the parts whose base64 checksums are `partChecksums`, in part order:
 * `base64(alg(digest1 || digest2 || ...))-N`. Throws S3Error InvalidDigest if a part value is not the base64 of a
 * digest of `algorithm`'s size.
 */
export function combineCompositeChecksum(algorithm: ChecksumAlgorithm, partChecksums: readonly string[]): string {
  const checksum = createChecksum(algorithm);
  partChecksums.forEach((value, index) => {
    const digest = Buffer.from(value, "base64");
    if (digest.length !== DIGEST_BYTES[algorithm] || digest.toString("base64") !== value) {
      throw new S3Error("InvalidDigest", `Part ${index + 1} has an invalid ${algorithm} checksum '${value}'.`);
    }
    checksum.update(digest);
  });
  return `${checksum.digestBase64()}-${partChecksums.length}`;
}

/** `combineCompositeChecksum("CRC32", partChecksums)`: the form Convex's CompleteMultipartUpload expects back. */
export function combineCrc32Composite(partChecksums: readonly string[]): string {
  return combineCompositeChecksum("CRC32", partChecksums);
}
