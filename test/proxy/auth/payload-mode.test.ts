import { describe, expect, it } from "vitest";
import { resolvePayloadMode } from "../../../proxy/src/auth/payload-mode.ts";

const HEX = "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072";
const fails = (code: string, message: string) => expect.objectContaining({ code, message });

describe("resolvePayloadMode: the signed x-amz-content-sha256 to what the pipeline does with the body", () => {
  it("reads UNSIGNED-PAYLOAD and a hex SHA-256 (lower-cased) without a decoded length", () => {
    expect(resolvePayloadMode("UNSIGNED-PAYLOAD", {})).toEqual({ payload: { kind: "unsigned" }, decodedContentLength: undefined });
    expect(resolvePayloadMode(HEX.toUpperCase(), { "x-amz-decoded-content-length": "5" })).toEqual({ payload: { kind: "sha256", hex: HEX }, decodedContentLength: undefined });
  });

  it("reads the three aws-chunked kinds with their decoded length and trailer algorithm", () => {
    expect(resolvePayloadMode("STREAMING-AWS4-HMAC-SHA256-PAYLOAD", { "x-amz-decoded-content-length": " 66560 " })).toEqual({
      payload: { kind: "streaming-signed" },
      decodedContentLength: 66560,
    });
    const trailer = { "x-amz-decoded-content-length": "0", "x-amz-trailer": "X-Amz-Checksum-CRC32C" };
    expect(resolvePayloadMode("STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER", trailer)).toEqual({
      payload: { kind: "streaming-signed-trailer", trailer: "CRC32C" },
      decodedContentLength: 0,
    });
    expect(resolvePayloadMode("STREAMING-UNSIGNED-PAYLOAD-TRAILER", { ...trailer, "x-amz-trailer": "x-amz-checksum-sha256" })).toEqual({
      payload: { kind: "streaming-unsigned-trailer", trailer: "SHA256" },
      decodedContentLength: 0,
    });
  });

  it("fails if x-amz-decoded-content-length is missing or not a whole number of bytes, showing the value", () => {
    expect(() => resolvePayloadMode("STREAMING-AWS4-HMAC-SHA256-PAYLOAD", {})).toThrow(
      fails("MissingContentLength", "An aws-chunked body needs the x-amz-decoded-content-length header."),
    );
    for (const value of ["", "-1", "1.5", "0x10", "1e3", "12 34", "1".repeat(16)]) {
      expect(() => resolvePayloadMode("STREAMING-AWS4-HMAC-SHA256-PAYLOAD", { "x-amz-decoded-content-length": value }), value).toThrow(
        fails("InvalidArgument", `x-amz-decoded-content-length '${value}' is not a number of bytes.`),
      );
    }
    // 15 digits is the most it takes (a petabyte, far beyond any object).
    expect(resolvePayloadMode("STREAMING-AWS4-HMAC-SHA256-PAYLOAD", { "x-amz-decoded-content-length": "9".repeat(15) }).decodedContentLength).toBe(999_999_999_999_999);
  });

  it("fails if a trailer kind has no x-amz-trailer, or one the proxy cannot check, naming the mode or the trailer", () => {
    for (const mode of ["STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER", "STREAMING-UNSIGNED-PAYLOAD-TRAILER"]) {
      expect(() => resolvePayloadMode(mode, { "x-amz-decoded-content-length": "1" }), mode).toThrow(
        fails("InvalidRequest", `x-amz-trailer is required with x-amz-content-sha256: ${mode}.`),
      );
      expect(() => resolvePayloadMode(mode, { "x-amz-decoded-content-length": "1", "x-amz-trailer": " X-Amz-Checksum-CRC64NVME " })).toThrow(
        fails("NotImplemented", "The x-amz-checksum-crc64nvme trailer is not supported by this proxy; use CRC32, CRC32C, SHA1 or SHA256."),
      );
      for (const trailer of ["x-amz-checksum-md5", "content-md5", "x-amz-checksum-crc32,x-amz-checksum-sha1"]) {
        expect(() => resolvePayloadMode(mode, { "x-amz-decoded-content-length": "1", "x-amz-trailer": trailer }), trailer).toThrow(
          fails("InvalidRequest", `x-amz-trailer '${trailer}' is not supported; only one x-amz-checksum-<algorithm> trailer is.`),
        );
      }
    }
  });

  it("fails on SigV4a streaming with NotImplemented, and on anything else with InvalidArgument listing the forms", () => {
    expect(() => resolvePayloadMode("STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD", {})).toThrow(
      fails("NotImplemented", "SigV4a (AWS4-ECDSA-P256-SHA256) streaming payloads are not supported by this proxy."),
    );
    expect(() => resolvePayloadMode("STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER", {})).toThrow(expect.objectContaining({ code: "NotImplemented" }));
    const listing =
      "x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-UNSIGNED-PAYLOAD-TRAILER, STREAMING-AWS4-HMAC-SHA256-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER, or a valid sha256 value.";
    // A hash one digit short or long, with a non-hex digit, or with text around it; a known form in another case.
    for (const value of [HEX.slice(1), `${HEX}0`, `${HEX.slice(1)}g`, ` ${HEX}`, `x${HEX}`, `${HEX}x`, "unsigned-payload", ""]) {
      expect(() => resolvePayloadMode(value, {}), value).toThrow(fails("InvalidArgument", listing));
    }
  });
});
