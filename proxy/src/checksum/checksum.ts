/** Running checksums over streamed bodies: CRC32 via node:zlib, CRC32C in JS, SHA-1 and SHA-256 via node:crypto. */
import { createHash } from "node:crypto";
import { crc32 } from "node:zlib";
import type { ChecksumAlgorithm } from "./algorithms.ts";
import { crc32c } from "./crc32c.ts";

/** A checksum fed piece by piece. `digest()` may be called once, after the last `update()`. */
export interface Checksum {
  readonly algorithm: ChecksumAlgorithm;
  /** Adds `data` to the checksum; returns the same checksum. */
  update(data: Uint8Array): Checksum;
  /** The raw digest: 4 bytes big-endian for the CRCs, 20 for SHA-1, 32 for SHA-256. */
  digest(): Buffer;
  /** The digest in base64, as `x-amz-checksum-<alg>` headers and trailers carry it. */
  digestBase64(): string;
}

function crcChecksum(algorithm: ChecksumAlgorithm, step: (data: Uint8Array, previous: number) => number): Checksum {
  let value = 0;
  const checksum: Checksum = {
    algorithm,
    update(data) {
      value = step(data, value);
      return checksum;
    },
    digest() {
      const out = Buffer.alloc(4);
      out.writeUInt32BE(value >>> 0);
      return out;
    },
    digestBase64: () => checksum.digest().toString("base64"),
  };
  return checksum;
}

function hashChecksum(algorithm: ChecksumAlgorithm, hashName: "sha1" | "sha256"): Checksum {
  const hash = createHash(hashName);
  const checksum: Checksum = {
    algorithm,
    update(data) {
      hash.update(data);
      return checksum;
    },
    digest: () => hash.digest(),
    digestBase64: () => checksum.digest().toString("base64"),
  };
  return checksum;
}

/** A new, empty running checksum for `algorithm`. */
export function createChecksum(algorithm: ChecksumAlgorithm): Checksum {
  switch (algorithm) {
    case "CRC32":
      return crcChecksum(algorithm, (data, previous) => crc32(data, previous));
    case "CRC32C":
      return crcChecksum(algorithm, crc32c);
    case "SHA1":
      return hashChecksum(algorithm, "sha1");
    case "SHA256":
      return hashChecksum(algorithm, "sha256");
  }
}
