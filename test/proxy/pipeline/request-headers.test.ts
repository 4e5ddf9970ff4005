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

  it("takes aws-chunked and empty entries out of a Content-Encoding list, keeping the others in order, and leaves other values as sent", () => {
    const headers = normalizeRequestHeaders(["content-encoding", "gzip,, AWS-Chunked ,br", "cache-control", "no-cache,no-store", "if-match", '"a","b"']);
    expect(upstreamHeaders(headers, [])).toStrictEqual({ "content-encoding": "gzip, br", "cache-control": "no-cache,no-store", "if-match": '"a","b"' });
  });
});

describe("the header lists, entry by entry", () => {
  /** Standard headers the upstream acts on, written out. */
  const STANDARD = [
    "cache-control", "content-disposition", "content-encoding", "content-language", "content-md5", "content-type",
    "expires", "if-match", "if-modified-since", "if-none-match", "if-unmodified-since", "range",
  ];
  /** The x-amz-* headers forwarded after the stages that check them, written out. */
  const AMZ = [
    "x-amz-copy-source", "x-amz-copy-source-range", "x-amz-copy-source-if-match", "x-amz-copy-source-if-none-match",
    "x-amz-copy-source-if-modified-since", "x-amz-copy-source-if-unmodified-since", "x-amz-metadata-directive",
    "x-amz-tagging", "x-amz-tagging-directive", "x-amz-storage-class",
    "x-amz-server-side-encryption", "x-amz-server-side-encryption-aws-kms-key-id", "x-amz-server-side-encryption-context",
    "x-amz-server-side-encryption-bucket-key-enabled", "x-amz-server-side-encryption-customer-algorithm",
    "x-amz-server-side-encryption-customer-key", "x-amz-server-side-encryption-customer-key-md5",
    "x-amz-copy-source-server-side-encryption-customer-algorithm", "x-amz-copy-source-server-side-encryption-customer-key",
    "x-amz-copy-source-server-side-encryption-customer-key-md5",
  ];
  /** Read by the proxy itself, never forwarded (with passthrough, the six checksum headers are, below). */
  const CONSUMED_PLAIN = ["authorization", "host", "content-length", "transfer-encoding", "expect", "date", "connection"];
  const CONSUMED_AMZ = [
    "x-amz-date", "x-amz-content-sha256", "x-amz-security-token", "x-amz-decoded-content-length", "x-amz-trailer",
    "x-amz-sdk-checksum-algorithm", "x-amz-checksum-algorithm", "x-amz-checksum-type", "x-amz-checksum-crc32",
    "x-amz-checksum-crc32c", "x-amz-checksum-crc64nvme", "x-amz-checksum-sha1", "x-amz-checksum-sha256",
  ];
  const PASSTHROUGH = ["x-amz-checksum-algorithm", "x-amz-checksum-type", "x-amz-checksum-crc32", "x-amz-checksum-crc32c", "x-amz-checksum-sha1", "x-amz-checksum-sha256"];
  const raw = (names: readonly string[]) => names.flatMap((name, i) => [name, `v${i}`]);
  const values = (names: readonly string[]) => Object.fromEntries(names.map((name, i) => [name, `v${i}`]));

  it("forwards each standard and x-amz-* header of the allow-list, and x-amz-meta-*, with its value", () => {
    const names = [...STANDARD, ...AMZ, "x-amz-meta-a"];
    expect(upstreamHeaders(normalizeRequestHeaders(raw(names)), [])).toEqual(values(names));
  });

  it("reads the headers the proxy consumes without forwarding any; with passthrough, forwards the six checksum headers RGW takes, never CRC64NVME", () => {
    const names = [...CONSUMED_PLAIN, ...CONSUMED_AMZ];
    const headers = normalizeRequestHeaders(raw(names));
    expect(headers).toEqual(values(names));
    expect(upstreamHeaders(headers, [])).toEqual({});
    expect(upstreamHeaders(headers, [], "passthrough")).toEqual(Object.fromEntries(PASSTHROUGH.map((name) => [name, headers[name]])));
  });

  it("refuses each consumed header sent twice (it is meaningful), and each consumed or forwarded x-amz-* header spelled with '_'", () => {
    for (const name of CONSUMED_PLAIN) {
      expect(refusal([name, "1", name.toUpperCase(), "2"]).message, name).toBe(`The header '${name}' appears more than once; send it once.`);
    }
    for (const name of [...STANDARD, ...AMZ, ...CONSUMED_AMZ].filter((n) => n.includes("-"))) {
      const sent = name.replace(/-/g, "_");
      expect(refusal([sent, "1"]).message, name).toBe(`The header '${sent}' is read by the upstream as '${name}': send it as '${name}' (header names with '_' are refused).`);
    }
  });

  it("understands the ACL headers (for authorize-bucket.ts to deny) and never forwards them", () => {
    const headers = normalizeRequestHeaders(["x-amz-acl", "public-read", "x-amz-grant-full-control", "id=1", "x-amz-grant-read", "id=2"]);
    expect(headers).toEqual({ "x-amz-acl": "public-read", "x-amz-grant-full-control": "id=1", "x-amz-grant-read": "id=2" });
    expect(upstreamHeaders(headers, [])).toEqual({});
    expect(refusal(["x-amz-grant", "x"]).message).toBe("The header 'x-amz-grant' is not supported by this proxy.");
  });
});
