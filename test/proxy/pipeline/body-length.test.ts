import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { VerifiedRequest } from "../../../proxy/src/auth/index.ts";
import { S3Error } from "../../../proxy/src/errors.ts";
import { planChecksums } from "../../../proxy/src/pipeline/checksum-policy.ts";
import { BodyCheck, upstreamBodyLength } from "../../../proxy/src/pipeline/request-body.ts";

/** Only the field upstreamBodyLength reads; the rest of a verified request does not matter to it. */
const verified = (decodedContentLength: number | undefined): VerifiedRequest => ({ decodedContentLength }) as VerifiedRequest;
const plain = verified(undefined);

/** The S3Error `run` throws, as code and message. */
function s3ErrorOf(run: () => unknown): { code: string; message: string } {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(S3Error);
    return { code: (error as S3Error).code, message: (error as S3Error).message };
  }
  throw new Error("expected an S3Error, nothing was thrown");
}

describe("upstreamBodyLength", () => {
  it("takes x-amz-decoded-content-length for aws-chunked bodies, over Content-Length", () => {
    expect(upstreamBodyLength("PUT", { "content-length": "1234" }, verified(1000))).toBe(1000);
  });

  it("reads Content-Length, spaces around it allowed", () => {
    expect(upstreamBodyLength("PUT", { "content-length": "1024" }, plain)).toBe(1024);
    expect(upstreamBodyLength("PUT", { "content-length": " 7 " }, plain)).toBe(7);
    expect(upstreamBodyLength("GET", { "content-length": "0" }, plain)).toBe(0);
  });

  it("refuses a Content-Length that is not a whole number of bytes, quoting it", () => {
    for (const value of ["12a", "a12", "-1", "1.5", "", "12345678901234567"]) {
      expect(s3ErrorOf(() => upstreamBodyLength("PUT", { "content-length": value }, plain))).toEqual({
        code: "InvalidArgument",
        message: `The Content-Length header '${value}' is not a number of bytes.`,
      });
    }
    expect(upstreamBodyLength("PUT", { "content-length": "1234567890123456" }, plain)).toBe(1234567890123456);
  });

  it("answers a PUT or POST with Transfer-Encoding and no length 411 MissingContentLength, as S3 does", () => {
    for (const method of ["PUT", "POST"]) {
      expect(s3ErrorOf(() => upstreamBodyLength(method, { "transfer-encoding": "chunked" }, plain)).code).toBe("MissingContentLength");
    }
    expect(new S3Error("MissingContentLength").status).toBe(411);
  });

  it("gives 0 for a request without either header, and for a GET or DELETE with Transfer-Encoding (its body is checked against 0)", () => {
    expect(upstreamBodyLength("PUT", {}, plain)).toBe(0);
    expect(upstreamBodyLength("GET", { "transfer-encoding": "chunked" }, plain)).toBe(0);
    expect(upstreamBodyLength("DELETE", { "transfer-encoding": "chunked" }, plain)).toBe(0);
  });
});

describe("BodyCheck", () => {
  const body = Buffer.from("hello, small body");
  const hex = createHash("sha256").update(body).digest("hex");
  const noChecksums = planChecksums("PutObject", {}, undefined);

  it("passes a body that matches its length and payload hash, in any number of pieces, hex in either case", () => {
    for (const sha256Hex of [hex, hex.toUpperCase()]) {
      const check = new BodyCheck({ length: body.length, sha256Hex, checksums: noChecksums });
      check.add(body.subarray(0, 5));
      check.add(body.subarray(5));
      expect(check.bytes).toBe(body.length);
      expect([...check.finish()]).toEqual([]);
    }
  });

  it("refuses a byte past the declared length at once, and a short body at the end, with the counts", () => {
    const long = new BodyCheck({ length: 4, sha256Hex: undefined, checksums: noChecksums });
    long.add(Buffer.from("abcd"));
    expect(s3ErrorOf(() => long.add(Buffer.from("e")))).toEqual({ code: "IncompleteBody", message: "The request body is longer than its declared length." });
    const short = new BodyCheck({ length: 10, sha256Hex: undefined, checksums: noChecksums });
    short.add(Buffer.from("abc"));
    expect(s3ErrorOf(() => short.finish())).toEqual({ code: "IncompleteBody", message: "Received 3 of 10 body bytes." });
  });

  it("refuses a body whose SHA-256 is not the signed one", () => {
    const check = new BodyCheck({ length: body.length, sha256Hex: createHash("sha256").update("other").digest("hex"), checksums: noChecksums });
    check.add(body);
    expect(s3ErrorOf(() => check.finish()).code).toBe("XAmzContentSHA256Mismatch");
  });

  it("computes the requested algorithm and refuses a declared value that does not match, naming the header", () => {
    const sha1 = createHash("sha1").update(body).digest("base64");
    const ok = new BodyCheck({ length: body.length, sha256Hex: undefined, checksums: planChecksums("PutObject", { "x-amz-checksum-sha1": sha1 }, undefined) });
    ok.add(body);
    expect([...ok.finish()]).toEqual([["SHA1", sha1]]);
    const bad = new BodyCheck({ length: body.length, sha256Hex: undefined, checksums: planChecksums("PutObject", { "x-amz-checksum-sha1": createHash("sha1").update("x").digest("base64") }, undefined) });
    bad.add(body);
    expect(s3ErrorOf(() => bad.finish())).toEqual({ code: "BadDigest", message: "The x-amz-checksum-sha1 you specified did not match the calculated checksum." });
  });
});
