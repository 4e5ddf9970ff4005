import { createHash } from "node:crypto";
import { crc32 } from "node:zlib";
import { describe, expect, it } from "vitest";
import { S3Error } from "../../../proxy/src/errors.ts";
import { planChecksums } from "../../../proxy/src/pipeline/checksum-policy.ts";
import { BodyVerifier } from "../../../proxy/src/pipeline/request-body.ts";

function crc32b64(data: Buffer): string {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(crc32(data) >>> 0);
  return out.toString("base64");
}

/** Writes `chunks` one by one and records what the verifier let through before and after the end. */
async function run(verifier: BodyVerifier, chunks: Buffer[]): Promise<{ beforeEnd: number; after: number; error: unknown }> {
  let passed = 0;
  verifier.on("data", (chunk: Buffer) => {
    passed += chunk.length;
  });
  let error: unknown;
  const ended = new Promise<void>((resolve) => {
    verifier.on("end", resolve);
    verifier.on("error", (e) => {
      error = e;
      resolve();
    });
  });
  for (const chunk of chunks) {
    verifier.write(chunk);
    await new Promise((r) => setImmediate(r));
  }
  const beforeEnd = passed;
  verifier.end();
  await ended;
  return { beforeEnd, after: passed, error };
}

const chunks = [Buffer.alloc(1000, 1), Buffer.alloc(1000, 2), Buffer.alloc(500, 3)];
const body = Buffer.concat(chunks);

describe("BodyVerifier", () => {
  it("holds back the last chunk until the end, then reports the checksums", async () => {
    const verifier = new BodyVerifier({ length: body.length, sha256Hex: undefined, checksums: planChecksums("PutObject", { "x-amz-sdk-checksum-algorithm": "CRC32" }, undefined) });
    const result = await run(verifier, chunks);
    expect(result.beforeEnd).toBe(2000);
    expect(result.after).toBe(2500);
    expect(result.error).toBeUndefined();
    expect(verifier.digests.get("CRC32")).toBe(crc32b64(body));
  });

  it("an empty piece does not release the held one: the last bytes still wait for the checks", async () => {
    const verifier = new BodyVerifier({ length: body.length, sha256Hex: undefined, checksums: planChecksums("PutObject", {}, undefined) });
    const result = await run(verifier, [...chunks, Buffer.alloc(0)]);
    expect(result.beforeEnd).toBe(2000);
    expect(result.after).toBe(2500);
  });

  it("fails at once when more bytes arrive than declared, and releases nothing more", async () => {
    const result = await run(new BodyVerifier({ length: 1500, sha256Hex: undefined, checksums: planChecksums("PutObject", {}, undefined) }), chunks);
    expect((result.error as S3Error).code).toBe("IncompleteBody");
    expect((result.error as S3Error).message).toBe("The request body is longer than its declared length.");
    expect(result.after).toBe(0);
  });

  it("never releases the tail of a body whose checksum header does not match", async () => {
    const checksums = planChecksums("PutObject", { "x-amz-checksum-crc32": crc32b64(Buffer.from("other")) }, undefined);
    const result = await run(new BodyVerifier({ length: body.length, sha256Hex: undefined, checksums }), chunks);
    expect(result.after).toBe(2000);
    expect(result.error).toBeInstanceOf(S3Error);
    expect((result.error as S3Error).code).toBe("BadDigest");
  });

  it("never releases the tail of a body whose signed SHA-256 does not match", async () => {
    const sha256Hex = createHash("sha256").update("other").digest("hex");
    const result = await run(new BodyVerifier({ length: body.length, sha256Hex, checksums: planChecksums("UploadPart", {}, undefined) }), chunks);
    expect(result.after).toBe(2000);
    expect((result.error as S3Error).code).toBe("XAmzContentSHA256Mismatch");
  });

  it("accepts a body whose signed SHA-256 matches", async () => {
    const sha256Hex = createHash("sha256").update(body).digest("hex");
    const result = await run(new BodyVerifier({ length: body.length, sha256Hex, checksums: planChecksums("UploadPart", {}, undefined) }), chunks);
    expect(result.error).toBeUndefined();
    expect(result.after).toBe(2500);
  });

  it("fails if fewer bytes arrive than declared", async () => {
    const result = await run(new BodyVerifier({ length: 3000, sha256Hex: undefined, checksums: planChecksums("PutObject", {}, undefined) }), chunks);
    expect((result.error as S3Error).code).toBe("IncompleteBody");
    expect(result.after).toBe(2000);
  });

  it("computes every algorithm the SDK asked for", async () => {
    const verifier = new BodyVerifier({ length: body.length, sha256Hex: undefined, checksums: planChecksums("PutObject", { "x-amz-sdk-checksum-algorithm": "SHA256" }, undefined) });
    await run(verifier, chunks);
    expect(verifier.digests.get("SHA256")).toBe(createHash("sha256").update(body).digest("base64"));
  });
});

describe("planChecksums", () => {
  it("computes nothing nobody asked for, and echoes nothing for operations other than uploads", () => {
    expect(planChecksums("PutObject", {}, undefined)).toMatchObject({ compute: [], respond: true });
    expect(planChecksums("DeleteObjects", {}, undefined)).toMatchObject({ compute: [], respond: false });
  });

  it("computes each requested algorithm once: the header's value and the SDK's algorithm are one", () => {
    const headers = { "x-amz-checksum-crc32": crc32b64(body), "x-amz-sdk-checksum-algorithm": "CRC32" };
    expect(planChecksums("PutObject", headers, undefined)).toMatchObject({ compute: ["CRC32"], expected: new Map([["CRC32", crc32b64(body)]]) });
  });

  it("leaves the trailer's algorithm to the aws-chunked decoder, which computes and verifies it", () => {
    expect(planChecksums("UploadPart", { "x-amz-sdk-checksum-algorithm": "CRC32" }, "CRC32")).toMatchObject({ compute: [], trailer: "CRC32" });
    expect(planChecksums("UploadPart", { "x-amz-sdk-checksum-algorithm": "SHA1" }, "CRC32")).toMatchObject({ compute: ["SHA1"], trailer: "CRC32" });
  });

  it("knows a SHA-256 checksum equal to the payload hash the upstream verifies, without computing it", () => {
    const hex = createHash("sha256").update(body).digest("hex");
    const base64 = Buffer.from(hex, "hex").toString("base64");
    const headers = { "x-amz-checksum-sha256": base64, "x-amz-sdk-checksum-algorithm": "SHA256" };
    expect(planChecksums("PutObject", headers, undefined, { upstreamVerifiedSha256: hex })).toMatchObject({ compute: [], expected: new Map(), known: new Map([["SHA256", base64]]) });
    // A different value is the proxy's to check (the body cannot match both).
    const other = createHash("sha256").update("other").digest("hex");
    expect(planChecksums("PutObject", headers, undefined, { upstreamVerifiedSha256: other })).toMatchObject({ compute: ["SHA256"], expected: new Map([["SHA256", base64]]) });
  });

  it("with an upstream that computes checksums (passthrough), computes none for header values and echoes no multipart algorithm", () => {
    const options = { upstreamChecksums: "passthrough" } as const;
    expect(planChecksums("PutObject", { "x-amz-checksum-crc32": crc32b64(body), "x-amz-sdk-checksum-algorithm": "CRC32" }, undefined, options)).toMatchObject({ compute: [], expected: new Map() });
    expect(planChecksums("CreateMultipartUpload", { "x-amz-checksum-algorithm": "CRC32" }, undefined, options)).toMatchObject({ multipartAlgorithm: undefined });
    expect(planChecksums("CreateMultipartUpload", { "x-amz-checksum-algorithm": "CRC32" }, undefined)).toMatchObject({ multipartAlgorithm: "CRC32" });
  });

  it("echoes x-amz-checksum-algorithm only on CreateMultipartUpload", () => {
    expect(planChecksums("PutObject", { "x-amz-checksum-algorithm": "CRC32" }, undefined)).toMatchObject({ multipartAlgorithm: undefined });
  });

  it("with passthrough, still computes the SDK's algorithm when no header value was sent", () => {
    const options = { upstreamChecksums: "passthrough" } as const;
    expect(planChecksums("PutObject", { "x-amz-sdk-checksum-algorithm": "CRC32" }, undefined, options)).toMatchObject({ compute: ["CRC32"], expected: new Map() });
  });

  it("refuses FULL_OBJECT on CompleteMultipartUpload too, and lets a single PutObject name it", () => {
    expect(() => planChecksums("CompleteMultipartUpload", { "x-amz-checksum-type": "FULL_OBJECT" }, undefined)).toThrow(
      expect.objectContaining({
        code: "NotImplemented",
        message:
          "x-amz-checksum-type: FULL_OBJECT is not supported by this proxy: it keeps no per-upload state (part sizes) to combine full-object checksums; use COMPOSITE (the default).",
      }),
    );
    expect(planChecksums("PutObject", { "x-amz-checksum-type": "FULL_OBJECT" }, undefined)).toMatchObject({ compute: [] });
  });

  it("fails if a multipart upload asks for FULL_OBJECT checksums, which need per-upload state", () => {
    expect(() => planChecksums("CreateMultipartUpload", { "x-amz-checksum-algorithm": "CRC32", "x-amz-checksum-type": "FULL_OBJECT" }, undefined)).toThrow(
      /x-amz-checksum-type: FULL_OBJECT is not supported by this proxy/,
    );
  });
});
