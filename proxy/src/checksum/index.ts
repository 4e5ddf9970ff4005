export {
  CHECKSUM_ALGORITHMS,
  DIGEST_BYTES,
  algorithmOfHeader,
  checksumHeaderName,
  parseChecksumAlgorithm,
  type ChecksumAlgorithm,
  type ChecksumHeaderName,
} from "./algorithms.ts";
export { createChecksum, type Checksum } from "./checksum.ts";
export { combineCompositeChecksum, combineCrc32Composite } from "./composite.ts";
export { crc32c } from "./crc32c.ts";
export { parseChecksumHeaders, type ChecksumHeaders } from "./parse-checksum-headers.ts";
