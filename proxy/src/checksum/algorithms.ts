/**
 * The flexible-checksum algorithms the proxy computes, spelled as S3 spells them in `x-amz-sdk-checksum-algorithm`
 * and `ChecksumAlgorithm` XML elements, with their header names and digest sizes.
 */

/** A checksum algorithm the proxy can compute. CRC64NVME is not supported. */
export type ChecksumAlgorithm = "CRC32" | "CRC32C" | "SHA1" | "SHA256";

/** Every supported algorithm, in S3's documentation order. */
export const CHECKSUM_ALGORITHMS: readonly ChecksumAlgorithm[] = ["CRC32", "CRC32C", "SHA1", "SHA256"];

/** The header (and trailer) name that carries a checksum value: `x-amz-checksum-crc32` and so on. */
export type ChecksumHeaderName = `x-amz-checksum-${Lowercase<ChecksumAlgorithm>}`;

/** Size of each algorithm's raw digest, in bytes (the CRCs are 4-byte big-endian integers). */
export const DIGEST_BYTES: Readonly<Record<ChecksumAlgorithm, number>> = { CRC32: 4, CRC32C: 4, SHA1: 20, SHA256: 32 };

/** The header that carries `algorithm`'s value, e.g. `x-amz-checksum-crc32` for CRC32. */
export function checksumHeaderName(algorithm: ChecksumAlgorithm): ChecksumHeaderName {
  return `x-amz-checksum-${algorithm.toLowerCase() as Lowercase<ChecksumAlgorithm>}`;
}

/** The algorithm named by `name` (case-insensitive: `crc32`, `CRC32`), or undefined if the proxy does not support it. */
export function parseChecksumAlgorithm(name: string): ChecksumAlgorithm | undefined {
  const upper = name.trim().toUpperCase();
  return CHECKSUM_ALGORITHMS.find((algorithm) => algorithm === upper);
}

/** The algorithm whose header is `headerName` (`x-amz-checksum-crc32c` -> CRC32C), or undefined. */
export function algorithmOfHeader(headerName: string): ChecksumAlgorithm | undefined {
  const name = headerName.trim().toLowerCase();
  return name.startsWith("x-amz-checksum-") ? parseChecksumAlgorithm(name.slice("x-amz-checksum-".length)) : undefined;
}
