import { describe, expect, it } from "vitest";
import { planPayloadHash } from "../../../proxy/src/pipeline/payload-hash.ts";

/** SHA-256 of no bytes, written out. */
const EMPTY = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
const HEX = "7".repeat(64);
const signed = { kind: "sha256", hex: HEX } as const;

describe("planPayloadHash", () => {
  it("sends the client's signed hash upstream for PutObject and UploadPart bodies, and does not hash them itself", () => {
    for (const operation of ["PutObject", "UploadPart"] as const) {
      expect(planPayloadHash(operation, signed, 10, true), operation).toEqual({ upstream: HEX, proxyVerifies: undefined });
    }
  });

  it("checks a signed hash itself for every other operation, sending UNSIGNED-PAYLOAD upstream", () => {
    for (const operation of ["CompleteMultipartUpload", "DeleteObjects", "CopyObject"] as const) {
      expect(planPayloadHash(operation, signed, 10, true), operation).toEqual({ upstream: "UNSIGNED-PAYLOAD", proxyVerifies: HEX });
    }
  });

  it("signs an empty or absent body with the empty body's hash, still checking the client's hash", () => {
    expect(planPayloadHash("PutObject", signed, 0, true)).toEqual({ upstream: EMPTY, proxyVerifies: HEX });
    expect(planPayloadHash("PutObject", signed, 10, false)).toEqual({ upstream: EMPTY, proxyVerifies: HEX });
    expect(planPayloadHash("GetObject", { kind: "unsigned" }, 0, false)).toEqual({ upstream: EMPTY, proxyVerifies: undefined });
  });

  it("sends UNSIGNED-PAYLOAD and checks no hash for unsigned and aws-chunked bodies", () => {
    expect(planPayloadHash("PutObject", { kind: "unsigned" }, 10, true)).toEqual({ upstream: "UNSIGNED-PAYLOAD", proxyVerifies: undefined });
    expect(planPayloadHash("PutObject", { kind: "streaming-signed" }, 10, true)).toEqual({ upstream: "UNSIGNED-PAYLOAD", proxyVerifies: undefined });
  });
});
