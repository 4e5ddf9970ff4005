import { createHash } from "node:crypto";
import { crc32 } from "node:zlib";
import { describe, expect, it } from "vitest";
import { CHECKSUM_ALGORITHMS, algorithmOfHeader, checksumHeaderName } from "../../../proxy/src/checksum/algorithms.ts";
import { createChecksum } from "../../../proxy/src/checksum/checksum.ts";
import { combineCompositeChecksum, combineCrc32Composite } from "../../../proxy/src/checksum/composite.ts";
import { crc32c } from "../../../proxy/src/checksum/crc32c.ts";

const CHECK = Buffer.from("123456789");

describe("crc32c", () => {
  // Published check values: RFC 3720 appendix B.4 (iSCSI) and the CRC catalogue ("123456789" -> 0xE3069283).
  const vectors: readonly [string, Buffer, number][] = [
    ["the catalogue check string 123456789", CHECK, 0xe3069283],
    ["32 bytes of zeros (RFC 3720)", Buffer.alloc(32, 0x00), 0x8a9136aa],
    ["32 bytes of 0xFF (RFC 3720)", Buffer.alloc(32, 0xff), 0x62a8ab43],
    ["32 incrementing bytes (RFC 3720)", Buffer.from(Array.from({ length: 32 }, (_, i) => i)), 0x46dd794e],
    ["32 decrementing bytes (RFC 3720)", Buffer.from(Array.from({ length: 32 }, (_, i) => 31 - i)), 0x113fdb5c],
    ["the empty input", Buffer.alloc(0), 0],
  ];
  for (const [name, data, expected] of vectors) {
    it(name, () => expect(crc32c(data)).toBe(expected));
  }

  it("continues across pieces like zlib.crc32 does", () => {
    const data = Buffer.from("The quick brown fox jumps over the lazy dog");
    expect(crc32c(data.subarray(10), crc32c(data.subarray(0, 10)))).toBe(crc32c(data));
  });
});

describe("createChecksum", () => {
  it("computes the check value of every algorithm over 123456789", () => {
    expect(createChecksum("CRC32").update(CHECK).digest().toString("hex")).toBe("cbf43926");
    expect(createChecksum("CRC32C").update(CHECK).digest().toString("hex")).toBe("e3069283");
    expect(createChecksum("SHA1").update(CHECK).digest().toString("hex")).toBe(createHash("sha1").update(CHECK).digest("hex"));
    expect(createChecksum("SHA256").update(CHECK).digestBase64()).toBe(createHash("sha256").update(CHECK).digest("base64"));
  });

  it("gives the same digest fed in pieces as in one piece, for every algorithm", () => {
    const data = Buffer.from(Array.from({ length: 10_000 }, (_, i) => (i * 31) & 0xff));
    for (const algorithm of CHECKSUM_ALGORITHMS) {
      const whole = createChecksum(algorithm).update(data).digestBase64();
      const pieces = createChecksum(algorithm);
      for (let i = 0; i < data.length; i += 777) pieces.update(data.subarray(i, i + 777));
      expect(pieces.digestBase64(), algorithm).toBe(whole);
    }
  });

  it("matches the SDK's CRC32 of 100 bytes of 'x' seen on the wire, and zlib's value", () => {
    const body = Buffer.alloc(100, "x");
    expect(createChecksum("CRC32").update(body).digest().readUInt32BE()).toBe(crc32(body));
  });

  it("encodes the empty body's CRC32 as AAAAAA== (the value the JS presigner embeds)", () => {
    expect(createChecksum("CRC32").digestBase64()).toBe("AAAAAA==");
  });

  it("computes the crc32c of 66560 bytes of 'a' as the AWS trailing-headers example does (sOO8/Q==)", () => {
    expect(createChecksum("CRC32C").update(Buffer.alloc(66560, "a")).digestBase64()).toBe("sOO8/Q==");
  });
});

describe("algorithm names", () => {
  it("maps algorithms to header names and back", () => {
    for (const algorithm of CHECKSUM_ALGORITHMS) expect(algorithmOfHeader(checksumHeaderName(algorithm))).toBe(algorithm);
    expect(checksumHeaderName("CRC32C")).toBe("x-amz-checksum-crc32c");
    expect(algorithmOfHeader("x-amz-checksum-crc64nvme")).toBeUndefined();
    expect(algorithmOfHeader("content-md5")).toBeUndefined();
  });
});

describe("combineCompositeChecksum", () => {
  const part = (text: string) => createChecksum("CRC32").update(Buffer.from(text)).digest();

  it("is the CRC32 of the concatenated part CRCs, base64, dash part count", () => {
    const digests = [part("first part"), part("second part")];
    const expected = Buffer.alloc(4);
    expected.writeUInt32BE(crc32(Buffer.concat(digests)));
    expect(combineCrc32Composite(digests.map((d) => d.toString("base64")))).toBe(`${expected.toString("base64")}-2`);
  });

  it("handles the single empty part Convex uploads for an empty file", () => {
    expect(combineCrc32Composite(["AAAAAA=="])).toBe(`${createChecksum("CRC32").update(Buffer.alloc(4)).digestBase64()}-1`);
  });

  it("works for SHA256 parts", () => {
    const digests = [Buffer.alloc(32, 1), Buffer.alloc(32, 2)];
    expect(combineCompositeChecksum("SHA256", digests.map((d) => d.toString("base64")))).toBe(
      `${createHash("sha256").update(Buffer.concat(digests)).digest("base64")}-2`,
    );
  });

  it("fails on a part checksum that is not a digest of the algorithm's size", () => {
    expect(() => combineCrc32Composite(["AAAAAA==", "not base64!"])).toThrow(expect.objectContaining({ code: "InvalidDigest", message: expect.stringMatching(/Part 2/) }));
    expect(() => combineCompositeChecksum("SHA1", ["AAAAAA=="])).toThrow(expect.objectContaining({ code: "InvalidDigest" }));
  });
});

describe("crc32c slicing-by-8 against a bytewise reference", () => {
  function bytewise(data: Uint8Array): number {
    let c = 0xffffffff;
    for (const byte of data) {
      c ^= byte;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
    }
    return ~c >>> 0;
  }

  it("agrees for every length from 0 to 64 and at every split point", () => {
    const data = Buffer.from(Array.from({ length: 64 }, (_, i) => (i * 167 + 13) & 0xff));
    for (let n = 0; n <= data.length; n++) {
      const prefix = data.subarray(0, n);
      expect(crc32c(prefix), `length ${n}`).toBe(bytewise(prefix));
      expect(crc32c(data.subarray(n), crc32c(prefix)), `split ${n}`).toBe(bytewise(data));
    }
  });

  it("agrees on unaligned views into a larger buffer", () => {
    const backing = Buffer.from(Array.from({ length: 1000 }, (_, i) => (i * 7) & 0xff));
    for (const offset of [1, 3, 5, 7]) {
      const view = backing.subarray(offset, offset + 517);
      expect(crc32c(view)).toBe(bytewise(view));
    }
  });
});
