import { describe, expect, it } from "vitest";
import { S3Error } from "../../../proxy/src/errors.ts";
import { normalizeRequestHeaders, upstreamHeaders } from "../../../proxy/src/pipeline/request-headers.ts";

function refusal(raw: string[]): S3Error {
  try {
    normalizeRequestHeaders(raw);
  } catch (error) {
    return error as S3Error;
  }
  throw new Error("expected a refusal");
}

describe("normalizeRequestHeaders", () => {
  it("folds case and keeps the values as sent", () => {
    expect(normalizeRequestHeaders(["Host", "h", "X-Amz-Date", "20260101T000000Z", "Content-Type", "text/plain"])).toEqual({
      host: "h",
      "x-amz-date": "20260101T000000Z",
      "content-type": "text/plain",
    });
  });

  it.each([
    ["x_amz_copy_source", "x-amz-copy-source"],
    ["X_AMZ_ACL", "x-amz-acl"],
    ["x-amz_grant-read", "x-amz-grant-read"],
    ["content_type", "content-type"],
    ["Content_MD5", "content-md5"],
  ])("refuses %s: the upstream reads it as %s (prevents a header the proxy never checked)", (sent, read) => {
    const error = refusal(["host", "h", sent, "v"]);
    expect(error.code).toBe("InvalidArgument");
    expect(error.message).toBe(`The header '${sent}' is read by the upstream as '${read}': send it as '${read}' (header names with '_' are refused).`);
  });

  it("keeps other headers with '_' (never forwarded) so a client that signed them still verifies", () => {
    expect(normalizeRequestHeaders(["x_custom", "1", "X_Custom", "2"])).toEqual({ x_custom: "1, 2" });
  });

  it.each([
    ["x-amz-copy-source", "x-amz-copy-source"],
    ["x-amz-meta-a", "X-Amz-Meta-A"],
    ["authorization", "Authorization"],
    ["content-length", "content-length"],
  ])("refuses %s sent twice (prevents the parsers choosing different copies)", (first, second) => {
    const error = refusal([first, "1", second, "2"]);
    expect(error.code).toBe("InvalidArgument");
    expect(error.message).toBe(`The header '${first}' appears more than once; send it once.`);
  });

  it("refuses an x-amz-* header it does not know with 501 NotImplemented", () => {
    const error = refusal(["x-amz-object-lock-mode", "GOVERNANCE"]);
    expect(error.code).toBe("NotImplemented");
    expect(error.message).toBe("The header 'x-amz-object-lock-mode' is not supported by this proxy.");
  });

  it("accepts the SDKs' own x-amz-* headers", () => {
    expect(() =>
      normalizeRequestHeaders(["x-amz-user-agent", "aws-sdk-rust", "x-amz-checksum-mode", "ENABLED", "x-amz-sdk-checksum-algorithm", "CRC32", "x-amz-checksum-crc32", "AAAAAA=="]),
    ).not.toThrow();
  });
});

describe("upstreamHeaders", () => {
  it("forwards only the allow-list", () => {
    const headers = normalizeRequestHeaders([
      "host", "proxy", "authorization", "AWS4-HMAC-SHA256 x", "x-amz-date", "d", "x-amz-content-sha256", "UNSIGNED-PAYLOAD",
      "content-type", "text/plain", "content-encoding", "aws-chunked, gzip", "cache-control", "no-cache", "range", "bytes=0-1",
      "x-amz-meta-owner", "me", "x-amz-copy-source", "/b/k", "x-amz-user-agent", "sdk", "x-amz-checksum-crc32", "AAAAAA==",
      "x-amz-acl", "private", "x-forwarded-for", "10.0.0.1", "cookie", "c=1", "user-agent", "ua", "x_custom", "1",
    ]);
    expect(upstreamHeaders(headers, [])).toEqual({
      "content-type": "text/plain",
      "content-encoding": "gzip",
      "cache-control": "no-cache",
      range: "bytes=0-1",
      "x-amz-meta-owner": "me",
      "x-amz-copy-source": "/b/k",
    });
  });

  it("leaves out what the SSE policy drops, and Content-Encoding when it was only aws-chunked", () => {
    const headers = normalizeRequestHeaders(["x-amz-server-side-encryption", "AES256", "content-encoding", "aws-chunked", "x-amz-meta-a", "1"]);
    expect(upstreamHeaders(headers, ["x-amz-server-side-encryption"])).toEqual({ "x-amz-meta-a": "1" });
  });
});
