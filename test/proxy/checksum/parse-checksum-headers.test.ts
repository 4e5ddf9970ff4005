import { describe, expect, it } from "vitest";
import { parseChecksumHeaders } from "../../../proxy/src/checksum/parse-checksum-headers.ts";

describe("parseChecksumHeaders", () => {
  it("finds the value, the SDK algorithm and the multipart algorithm (what Convex's UploadPart sends)", () => {
    expect(
      parseChecksumHeaders({ "x-amz-checksum-crc32": "0+NUxg==", "x-amz-sdk-checksum-algorithm": "CRC32", "content-length": "100" }),
    ).toEqual({ value: { algorithm: "CRC32", base64: "0+NUxg==" }, sdkAlgorithm: "CRC32", multipartAlgorithm: undefined, type: undefined });
    expect(parseChecksumHeaders({ "x-amz-checksum-algorithm": "crc32", "x-amz-checksum-type": "composite" })).toEqual({
      value: undefined,
      sdkAlgorithm: undefined,
      multipartAlgorithm: "CRC32",
      type: "COMPOSITE",
    });
  });

  it("ignores x-amz-checksum-mode and returns nothing for a request without checksums", () => {
    expect(parseChecksumHeaders({ "x-amz-checksum-mode": "ENABLED" })).toEqual({ value: undefined, sdkAlgorithm: undefined, multipartAlgorithm: undefined, type: undefined });
  });

  it("fails if two checksum values are sent", () => {
    expect(() => parseChecksumHeaders({ "x-amz-checksum-crc32": "AAAAAA==", "x-amz-checksum-crc32c": "AAAAAA==" })).toThrow(
      expect.objectContaining({ code: "InvalidRequest", message: expect.stringMatching(/single x-amz-checksum-/) }),
    );
  });

  it("fails on a value that is not the base64 of a digest of the right size", () => {
    expect(() => parseChecksumHeaders({ "x-amz-checksum-crc32": "AAAA" })).toThrow(expect.objectContaining({ code: "InvalidDigest" }));
    expect(() => parseChecksumHeaders({ "x-amz-checksum-sha256": "AAAAAA==" })).toThrow(expect.objectContaining({ code: "InvalidDigest" }));
  });

  it("fails on an unsupported algorithm, naming it", () => {
    expect(() => parseChecksumHeaders({ "x-amz-checksum-crc64nvme": "AAAAAAAAAAA=" })).toThrow(
      expect.objectContaining({ code: "InvalidRequest", message: expect.stringMatching(/'crc64nvme'/) }),
    );
    expect(() => parseChecksumHeaders({ "x-amz-sdk-checksum-algorithm": "MD5" })).toThrow(expect.objectContaining({ code: "InvalidRequest" }));
  });
});
