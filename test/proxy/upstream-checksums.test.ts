/**
 * S3PROXY_UPSTREAM_CHECKSUMS=passthrough (issue 12): for an upstream that computes, verifies and returns flexible
 * checksums itself (RGW Tentacle and later, AWS), the proxy forwards the checksum headers, signed, computes none of
 * them, and the client gets the upstream's own checksum headers. The fake upstream answers as such an upstream does.
 * The proxy still verifies aws-chunked trailers itself: their value is not known until the body ended.
 */
import { crc32 } from "node:zlib";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { PROXY_CLIENT_CREDENTIALS, TEST_BUCKET, startProxyFixture, type ProxyFixture } from "../support/proxy-fixture.ts";
import { sendRaw, signedSend, unsignedTrailerRequest } from "../support/proxy-signer.ts";

function crc32b64(data: Buffer): string {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(crc32(data) >>> 0);
  return out.toString("base64");
}

let fx: ProxyFixture;
beforeEach(async () => {
  fx = await startProxyFixture({ S3PROXY_UPSTREAM_CHECKSUMS: "passthrough" });
});
afterEach(async () => {
  await fx.close();
});

const send = (method: string, path: string, options: { headers?: Record<string, string>; body?: Buffer; query?: Record<string, string> } = {}) =>
  signedSend({ endpoint: fx.proxy.url, method, path, credentials: PROXY_CLIENT_CREDENTIALS, ...options });

describe("S3PROXY_UPSTREAM_CHECKSUMS=passthrough", () => {
  it("forwards x-amz-checksum-crc32 signed and returns the upstream's checksum, not one of its own", async () => {
    const body = Buffer.from("checked upstream");
    fx.upstream.handler = (req, res) => {
      if (req.method !== "PUT") return false;
      res.writeHead(200, { etag: '"e"', "x-amz-checksum-crc32": String(req.headers["x-amz-checksum-crc32"]), "x-amz-checksum-type": "FULL_OBJECT", "content-length": 0 });
      res.end();
      return true;
    };
    const res = await send("PUT", `/${TEST_BUCKET}/passed`, { body, headers: { "x-amz-checksum-crc32": crc32b64(body), "x-amz-sdk-checksum-algorithm": "CRC32" } });
    expect(res.status).toBe(200);
    expect(res.headers["x-amz-checksum-crc32"]).toBe(crc32b64(body));
    const up = fx.upstream.requests[0];
    expect(up?.signatureOk).toBe(true);
    expect(up?.headers["x-amz-checksum-crc32"]).toBe(crc32b64(body));
    expect(up?.headers.authorization).toContain("x-amz-checksum-crc32");
  });

  it("leaves a checksum mismatch to the upstream: its BadDigest reaches the client", async () => {
    const body = Buffer.from("checked upstream");
    fx.upstream.handler = (req, res) => {
      if (req.method !== "PUT") return false;
      const xml = '<?xml version="1.0" encoding="UTF-8"?><Error><Code>BadDigest</Code><Message></Message></Error>';
      res.writeHead(400, { "content-type": "application/xml", "content-length": Buffer.byteLength(xml) });
      res.end(xml);
      return true;
    };
    const res = await send("PUT", `/${TEST_BUCKET}/bad`, { body, headers: { "x-amz-checksum-crc32": crc32b64(Buffer.from("other")) } });
    expect(res.status).toBe(400);
    expect(res.body.toString()).toContain("<Code>BadDigest</Code>");
    expect(res.body.toString()).toContain("The checksum you specified did not match the checksum of the body we received.");
  });

  it("forwards CreateMultipartUpload's x-amz-checksum-algorithm and keeps the part checksums in CompleteMultipartUpload", async () => {
    let completeBody = "";
    fx.upstream.handler = (req, res, body) => {
      if (req.method !== "POST") return false;
      if (String(req.url).includes("uploads")) {
        res.writeHead(200, { "content-type": "application/xml", "x-amz-checksum-algorithm": "CRC32" });
        res.end('<?xml version="1.0" encoding="UTF-8"?><InitiateMultipartUploadResult><UploadId>u-1</UploadId></InitiateMultipartUploadResult>');
        return true;
      }
      completeBody = body.toString();
      res.writeHead(200, { "content-type": "application/xml" });
      res.end('<?xml version="1.0" encoding="UTF-8"?><CompleteMultipartUploadResult><ETag>"e-1"</ETag><ChecksumCRC32>upstream-1</ChecksumCRC32></CompleteMultipartUploadResult>');
      return true;
    };
    const created = await send("POST", `/${TEST_BUCKET}/mp`, { query: { uploads: "" }, headers: { "x-amz-checksum-algorithm": "CRC32" } });
    expect(created.status).toBe(200);
    expect(fx.upstream.requests[0]?.headers["x-amz-checksum-algorithm"]).toBe("CRC32");
    expect(created.headers["x-amz-checksum-algorithm"]).toBe("CRC32");

    const a = crc32b64(Buffer.from("a"));
    const xml = Buffer.from(`<CompleteMultipartUpload><Part><ETag>"1"</ETag><PartNumber>1</PartNumber><ChecksumCRC32>${a}</ChecksumCRC32></Part></CompleteMultipartUpload>`);
    const completed = await send("POST", `/${TEST_BUCKET}/mp`, { query: { uploadId: "u-1" }, body: xml });
    expect(completed.status).toBe(200);
    expect(completeBody).toContain(`<Part><PartNumber>1</PartNumber><ETag>&quot;1&quot;</ETag><ChecksumCRC32>${a}</ChecksumCRC32></Part>`);
    expect(completed.body.toString()).toContain("<ChecksumCRC32>upstream-1</ChecksumCRC32>");
    expect(completed.body.toString()).not.toContain("COMPOSITE");
  });

  it("still verifies an aws-chunked trailer itself, and reports the value it verified", async () => {
    const data = Buffer.alloc(100_000, 7);
    const good = await unsignedTrailerRequest({ endpoint: fx.proxy.url, path: `/${TEST_BUCKET}/trailer`, data, chunkSize: 65_536, trailerName: "x-amz-checksum-crc32", trailerValue: crc32b64(data), credentials: PROXY_CLIENT_CREDENTIALS });
    const ok = await sendRaw(fx.proxy.url, "PUT", good.path, good.headers, good.body);
    expect(ok.status).toBe(200);
    expect(ok.headers["x-amz-checksum-crc32"]).toBe(crc32b64(data));
    const bad = await unsignedTrailerRequest({ endpoint: fx.proxy.url, path: `/${TEST_BUCKET}/trailer-bad`, data, chunkSize: 65_536, trailerName: "x-amz-checksum-crc32", trailerValue: crc32b64(Buffer.from("other")), credentials: PROXY_CLIENT_CREDENTIALS });
    const refused = await sendRaw(fx.proxy.url, "PUT", bad.path, bad.headers, bad.body);
    expect(refused.status).toBe(400);
    expect(refused.body.toString()).toContain("<Code>BadDigest</Code>");
    expect(fx.upstream.objects.has(`/${TEST_BUCKET}/trailer-bad`)).toBe(false);
  });
});
