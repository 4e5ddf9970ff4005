import { createHash } from "node:crypto";
import { crc32 } from "node:zlib";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { PROXY_CLIENT_CREDENTIALS, TEST_BUCKET, startProxyFixture, type ProxyFixture } from "../support/proxy-fixture.ts";
import { presignUrl, sendRaw, signedSend, streamingSignedRequest, unsignedTrailerRequest } from "../support/proxy-signer.ts";

function crc32b64(data: Buffer): string {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(crc32(data) >>> 0);
  return out.toString("base64");
}

let fx: ProxyFixture;
beforeEach(async () => {
  fx = await startProxyFixture();
});
afterEach(async () => {
  await fx.close();
});

const send = (method: string, path: string, options: { headers?: Record<string, string>; body?: Buffer; query?: Record<string, string>; payloadHash?: string } = {}) =>
  signedSend({ endpoint: fx.proxy.url, method, path, credentials: PROXY_CLIENT_CREDENTIALS, ...options });

describe("PutObject and GetObject", () => {
  it("re-signs with the upstream credentials, streams the body up and returns its CRC32", async () => {
    const body = Buffer.from("hello through the proxy");
    const put = await send("PUT", `/${TEST_BUCKET}/dir/a%20b.txt`, { body, headers: { "content-type": "text/plain", "x-amz-meta-owner": "convex", "x-amz-sdk-checksum-algorithm": "CRC32" } });
    expect(put.status).toBe(200);
    expect(put.headers["x-amz-checksum-crc32"]).toBe(crc32b64(body));
    expect(put.headers["x-amz-checksum-type"]).toBe("FULL_OBJECT");
    const up = fx.upstream.requests[0];
    expect(up?.signatureOk).toBe(true);
    expect(up?.url).toBe(`/${TEST_BUCKET}/dir/a%20b.txt`);
    expect(up?.headers["x-amz-content-sha256"]).toBe("UNSIGNED-PAYLOAD");
    expect(up?.headers["content-length"]).toBe(String(body.length));
    expect(up?.headers["x-amz-meta-owner"]).toBe("convex");
    expect(up?.headers.authorization).toContain("Credential=UPSTREAMKEYID0000001/");
    expect(fx.upstream.objects.get(`/${TEST_BUCKET}/dir/a b.txt`)).toEqual(body);

    const get = await send("GET", `/${TEST_BUCKET}/dir/a%20b.txt`, { payloadHash: createHash("sha256").digest("hex") });
    expect(get.status).toBe(200);
    expect(get.body).toEqual(body);
  });

  it("signs the upstream PutObject with the client's signed SHA-256, for the upstream to verify, and forwards the body", async () => {
    const body = Buffer.from("signed payload");
    const hex = createHash("sha256").update(body).digest("hex");
    const put = await send("PUT", `/${TEST_BUCKET}/signed`, { body, payloadHash: hex.toUpperCase() });
    expect(put.status).toBe(200);
    expect(fx.upstream.requests[0]?.headers["x-amz-content-sha256"]).toBe(hex);
    expect(fx.upstream.requests[0]?.signatureOk).toBe(true);
    expect(fx.upstream.objects.get(`/${TEST_BUCKET}/signed`)).toEqual(body);
  });

  it("keeps verifying a signed SHA-256 itself where the upstream gets another body (DeleteObjects is re-serialized)", async () => {
    const body = Buffer.from('<Delete><Object><Key>a</Key></Object></Delete>');
    const res = await send("POST", `/${TEST_BUCKET}`, { query: { delete: "" }, body, payloadHash: createHash("sha256").update("other").digest("hex") });
    expect(res.status).toBe(400);
    expect(res.body.toString()).toContain("<Code>XAmzContentSHA256Mismatch</Code>");
    expect(fx.upstream.requests).toHaveLength(0);
  });

  it("strips client-only checksum headers and verifies the client's checksum", async () => {
    const body = Buffer.from("with a checksum header");
    const put = await send("PUT", `/${TEST_BUCKET}/ck`, {
      body,
      headers: { "x-amz-sdk-checksum-algorithm": "CRC32", "x-amz-checksum-crc32": crc32b64(body) },
    });
    expect(put.status).toBe(200);
    expect(put.headers["x-amz-checksum-crc32"]).toBe(crc32b64(body));
    const forwarded = Object.keys(fx.upstream.requests[0]?.headers ?? {});
    expect(forwarded.filter((h) => h.startsWith("x-amz-checksum") || h === "x-amz-sdk-checksum-algorithm")).toEqual([]);
  });

  it.each([
    ["CRC32C", "x-amz-checksum-crc32c", "4waSgw=="],
    ["SHA1", "x-amz-checksum-sha1", createHash("sha1").update("123456789").digest("base64")],
    ["SHA256", "x-amz-checksum-sha256", createHash("sha256").update("123456789").digest("base64")],
  ])("returns the %s the SDK asked for (check value of '123456789')", async (algorithm, header, expected) => {
    const res = await send("PUT", `/${TEST_BUCKET}/alg-${algorithm}`, { body: Buffer.from("123456789"), headers: { "x-amz-sdk-checksum-algorithm": algorithm } });
    expect(res.status).toBe(200);
    expect(res.headers[header]).toBe(expected);
  });

  it("answers a ranged GET with 206 and the upstream's Content-Range", async () => {
    fx.upstream.objects.set(`/${TEST_BUCKET}/ranged`, Buffer.from("0123456789"));
    const get = await send("GET", `/${TEST_BUCKET}/ranged`, { headers: { range: "bytes=2-5" }, payloadHash: createHash("sha256").digest("hex") });
    expect(get.status).toBe(206);
    expect(get.headers["content-range"]).toBe("bytes 2-5/10");
    expect(get.body.toString()).toBe("2345");
  });

  it("passes HEAD, ListObjectsV2 and DeleteObject through", async () => {
    fx.upstream.objects.set(`/${TEST_BUCKET}/k`, Buffer.from("abc"));
    const empty = createHash("sha256").digest("hex");
    const head = await send("HEAD", `/${TEST_BUCKET}/k`, { payloadHash: empty });
    expect(head.status).toBe(200);
    expect(head.headers["content-length"]).toBe("3");
    const list = await send("GET", `/${TEST_BUCKET}`, { query: { "list-type": "2", prefix: "k" }, payloadHash: empty });
    expect(list.status).toBe(200);
    expect(list.body.toString()).toContain("<ListBucketResult>");
    expect(fx.upstream.requests.at(-1)?.url).toBe(`/${TEST_BUCKET}?list-type=2&prefix=k`);
    const del = await send("DELETE", `/${TEST_BUCKET}/k`, { payloadHash: empty });
    expect(del.status).toBe(204);
    expect(fx.upstream.objects.has(`/${TEST_BUCKET}/k`)).toBe(false);
  });

  it("gives RGW's empty <Message> a helpful one and keeps the Code", async () => {
    const get = await send("GET", `/${TEST_BUCKET}/missing`, { payloadHash: createHash("sha256").digest("hex") });
    expect(get.status).toBe(404);
    expect(get.body.toString()).toContain("<Code>NoSuchKey</Code><Message>The specified key does not exist.</Message>");
  });

  it("answers 411 MissingContentLength for a plain chunked upload, as S3 does", async () => {
    const { signRequest } = await import("../support/proxy-signer.ts");
    const signed = await signRequest({ endpoint: fx.proxy.url, method: "PUT", path: `/${TEST_BUCKET}/chunked`, credentials: PROXY_CLIENT_CREDENTIALS, headers: { "transfer-encoding": "chunked" } });
    const { Readable } = await import("node:stream");
    const res = await sendRaw(fx.proxy.url, "PUT", signed.path, signed.headers, Readable.from([Buffer.from("abc")]));
    expect(res.status).toBe(411);
    expect(res.body.toString()).toContain("<Code>MissingContentLength</Code>");
    expect(fx.upstream.requests).toHaveLength(0);
  });
});

describe("presigned URLs", () => {
  it("accepts presigned PUT and GET", async () => {
    const path = `/${TEST_BUCKET}/presigned.bin`;
    const body = Buffer.from("presigned body");
    const putUrl = await presignUrl({ endpoint: fx.proxy.url, method: "PUT", path, credentials: PROXY_CLIENT_CREDENTIALS, expiresIn: 60 });
    const put = await fetch(putUrl, { method: "PUT", body });
    expect(put.status).toBe(200);
    expect(fx.upstream.objects.get(path)).toEqual(body);
    expect(fx.upstream.requests[0]?.url).toBe(path);
    const getUrl = await presignUrl({ endpoint: fx.proxy.url, method: "GET", path, credentials: PROXY_CLIENT_CREDENTIALS, expiresIn: 60 });
    const get = await fetch(getUrl);
    expect(get.status).toBe(200);
    expect(Buffer.from(await get.arrayBuffer())).toEqual(body);
  });
});

describe("SSE-S3 policy", () => {
  it("strip (default): removes the header upstream and echoes AES256 like AWS", async () => {
    const put = await send("PUT", `/${TEST_BUCKET}/sse`, { body: Buffer.from("x"), headers: { "x-amz-server-side-encryption": "AES256" } });
    expect(put.status).toBe(200);
    expect(put.headers["x-amz-server-side-encryption"]).toBe("AES256");
    expect(fx.upstream.requests[0]?.headers["x-amz-server-side-encryption"]).toBeUndefined();
  });

  it("strip: drops x-amz-server-side-encryption-context and -bucket-key-enabled along with the SSE header", async () => {
    const context = Buffer.from('{"a":"b"}').toString("base64");
    const put = await send("PUT", `/${TEST_BUCKET}/sse-extras`, {
      body: Buffer.from("x"),
      headers: { "x-amz-server-side-encryption": "AES256", "x-amz-server-side-encryption-context": context, "x-amz-server-side-encryption-bucket-key-enabled": "true", "x-amz-meta-kept": "yes" },
    });
    expect(put.status).toBe(200);
    const upstream = fx.upstream.requests[0]?.headers ?? {};
    expect(Object.keys(upstream).filter((name) => name.startsWith("x-amz-server-side-encryption"))).toEqual([]);
    expect(upstream["x-amz-meta-kept"]).toBe("yes");
  });

  it("passthrough: forwards the context and bucket-key headers with the SSE header", async () => {
    await fx.close();
    fx = await startProxyFixture({ S3PROXY_SSE: "passthrough" });
    const put = await send("PUT", `/${TEST_BUCKET}/sse-extras`, {
      body: Buffer.from("x"),
      headers: { "x-amz-server-side-encryption": "AES256", "x-amz-server-side-encryption-bucket-key-enabled": "true" },
    });
    expect(put.status).toBe(200);
    expect(fx.upstream.requests[0]?.headers["x-amz-server-side-encryption-bucket-key-enabled"]).toBe("true");
  });

  it("strip: refuses SSE-KMS, which it cannot pretend", async () => {
    const put = await send("PUT", `/${TEST_BUCKET}/kms`, { body: Buffer.from("x"), headers: { "x-amz-server-side-encryption": "aws:kms" } });
    expect(put.status).toBe(400);
    expect(put.body.toString()).toContain("<Code>InvalidArgument</Code>");
    expect(fx.upstream.requests).toHaveLength(0);
  });

  it("reject: answers 400 InvalidArgument and sends nothing upstream", async () => {
    await fx.close();
    fx = await startProxyFixture({ S3PROXY_SSE: "reject" });
    const put = await send("PUT", `/${TEST_BUCKET}/sse`, { body: Buffer.from("x"), headers: { "x-amz-server-side-encryption": "AES256" } });
    expect(put.status).toBe(400);
    expect(put.body.toString()).toContain("<Code>InvalidArgument</Code>");
    expect(put.body.toString()).toContain("S3PROXY_SSE=reject");
    expect(fx.upstream.requests).toHaveLength(0);
  });

  it("passthrough: forwards the header", async () => {
    await fx.close();
    fx = await startProxyFixture({ S3PROXY_SSE: "passthrough" });
    const put = await send("PUT", `/${TEST_BUCKET}/sse`, { body: Buffer.from("x"), headers: { "x-amz-server-side-encryption": "AES256" } });
    expect(put.status).toBe(200);
    expect(fx.upstream.requests[0]?.headers["x-amz-server-side-encryption"]).toBe("AES256");
  });
});

describe("multipart uploads", () => {
  it("CreateMultipartUpload: strips the checksum algorithm upstream and echoes it", async () => {
    fx.upstream.handler = (req, res) => {
      if (req.method !== "POST") return false;
      res.writeHead(200, { "content-type": "application/xml" });
      res.end("<InitiateMultipartUploadResult><Bucket>b</Bucket><Key>k</Key><UploadId>u-1</UploadId></InitiateMultipartUploadResult>");
      return true;
    };
    const res = await send("POST", `/${TEST_BUCKET}/mp`, {
      query: { uploads: "" },
      payloadHash: createHash("sha256").digest("hex"),
      headers: { "x-amz-checksum-algorithm": "CRC32", "x-amz-server-side-encryption": "AES256" },
    });
    expect(res.status).toBe(200);
    expect(res.headers["x-amz-checksum-algorithm"]).toBe("CRC32");
    expect(res.headers["x-amz-checksum-type"]).toBe("COMPOSITE");
    expect(res.headers["x-amz-server-side-encryption"]).toBe("AES256");
    expect(res.body.toString()).toContain("<UploadId>u-1</UploadId>");
    const up = fx.upstream.requests[0];
    expect(up?.url).toBe(`/${TEST_BUCKET}/mp?uploads`);
    expect(up?.headers["x-amz-checksum-algorithm"]).toBeUndefined();
    expect(up?.headers["x-amz-server-side-encryption"]).toBeUndefined();
  });

  it("UploadPart returns the part's CRC32", async () => {
    const part = Buffer.alloc(1024, 7);
    const res = await send("PUT", `/${TEST_BUCKET}/mp`, { query: { partNumber: "1", uploadId: "u-1" }, body: part, headers: { "x-amz-checksum-crc32": crc32b64(part), "x-amz-sdk-checksum-algorithm": "CRC32" } });
    expect(res.status).toBe(200);
    expect(res.headers["x-amz-checksum-crc32"]).toBe(crc32b64(part));
    expect(res.headers["x-amz-checksum-type"]).toBeUndefined();
  });

  it("CompleteMultipartUpload: drops part checksums upstream and returns the composite", async () => {
    let upstreamBody = "";
    fx.upstream.handler = (req, res, body) => {
      if (req.method !== "POST") return false;
      upstreamBody = body.toString();
      res.writeHead(200, { "content-type": "application/xml" });
      res.end('<?xml version="1.0" encoding="UTF-8"?><CompleteMultipartUploadResult><Bucket>b</Bucket><Key>mp</Key><ETag>"e-2"</ETag></CompleteMultipartUploadResult>');
      return true;
    };
    const a = crc32b64(Buffer.from("a"));
    const b = crc32b64(Buffer.from("b"));
    const xml = `<CompleteMultipartUpload><Part><ETag>"1"</ETag><PartNumber>1</PartNumber><ChecksumCRC32>${a}</ChecksumCRC32></Part><Part><ETag>"2"</ETag><PartNumber>2</PartNumber><ChecksumCRC32>${b}</ChecksumCRC32></Part></CompleteMultipartUpload>`;
    const body = Buffer.from(xml);
    const res = await send("POST", `/${TEST_BUCKET}/mp`, { query: { uploadId: "u-1" }, body, payloadHash: createHash("sha256").update(body).digest("hex") });
    expect(res.status).toBe(200);
    const composite = `${crc32b64(Buffer.concat([Buffer.from(a, "base64"), Buffer.from(b, "base64")]))}-2`;
    expect(res.body.toString()).toContain(`<ChecksumCRC32>${composite}</ChecksumCRC32>`);
    expect(upstreamBody).not.toContain("Checksum");
    expect(upstreamBody).toContain("<Part><PartNumber>1</PartNumber><ETag>&quot;1&quot;</ETag></Part>");
    expect(fx.upstream.requests[0]?.headers["x-amz-content-sha256"]).toBe(createHash("sha256").update(upstreamBody).digest("hex"));
  });

  it("CompleteMultipartUpload: fails with MalformedXML and sends nothing upstream", async () => {
    const body = Buffer.from("<CompleteMultipartUpload><Part>");
    const res = await send("POST", `/${TEST_BUCKET}/mp`, { query: { uploadId: "u-1" }, body });
    expect(res.status).toBe(400);
    expect(res.body.toString()).toContain("<Code>MalformedXML</Code>");
    expect(fx.upstream.requests).toHaveLength(0);
  });
});

describe("aws-chunked uploads", () => {
  it("STREAMING-AWS4-HMAC-SHA256-PAYLOAD: decodes, verifies chunk signatures, sends Content-Length", async () => {
    const data = Buffer.alloc(200_000, 9);
    const req = await streamingSignedRequest({ endpoint: fx.proxy.url, path: `/${TEST_BUCKET}/chunked-signed`, data, chunkSize: 65_536, credentials: PROXY_CLIENT_CREDENTIALS });
    const res = await sendRaw(fx.proxy.url, "PUT", req.path, req.headers, req.body);
    expect(res.status).toBe(200);
    // No checksum was asked for, so none was computed.
    expect(Object.keys(res.headers).filter((name) => name.startsWith("x-amz-checksum-"))).toEqual([]);
    expect(fx.upstream.objects.get(`/${TEST_BUCKET}/chunked-signed`)).toEqual(data);
    const up = fx.upstream.requests[0];
    expect(up?.headers["content-length"]).toBe(String(data.length));
    expect(up?.headers["content-encoding"]).toBeUndefined();
    expect(up?.headers["x-amz-decoded-content-length"]).toBeUndefined();
  });

  it("STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER: verifies chunk and trailer signatures and the trailing checksum", async () => {
    const data = Buffer.alloc(150_000, 4);
    const req = await streamingSignedRequest({
      endpoint: fx.proxy.url,
      path: `/${TEST_BUCKET}/chunked-signed-trailer`,
      data,
      chunkSize: 65_536,
      credentials: PROXY_CLIENT_CREDENTIALS,
      trailer: { name: "x-amz-checksum-crc32", value: crc32b64(data) },
    });
    const res = await sendRaw(fx.proxy.url, "PUT", req.path, req.headers, req.body);
    expect(res.status).toBe(200);
    expect(res.headers["x-amz-checksum-crc32"]).toBe(crc32b64(data));
    expect(fx.upstream.objects.get(`/${TEST_BUCKET}/chunked-signed-trailer`)).toEqual(data);
  });

  it("STREAMING-UNSIGNED-PAYLOAD-TRAILER: decodes and verifies the trailing checksum", async () => {
    const data = Buffer.alloc(100_000, 3);
    const req = await unsignedTrailerRequest({
      endpoint: fx.proxy.url,
      path: `/${TEST_BUCKET}/chunked-trailer`,
      data,
      chunkSize: 65_536,
      trailerName: "x-amz-checksum-crc32",
      trailerValue: crc32b64(data),
      credentials: PROXY_CLIENT_CREDENTIALS,
      headers: { "x-amz-sdk-checksum-algorithm": "CRC32" },
    });
    const res = await sendRaw(fx.proxy.url, "PUT", req.path, req.headers, req.body);
    expect(res.status).toBe(200);
    expect(res.headers["x-amz-checksum-crc32"]).toBe(crc32b64(data));
    expect(fx.upstream.objects.get(`/${TEST_BUCKET}/chunked-trailer`)).toEqual(data);
    expect(fx.upstream.requests[0]?.headers["x-amz-trailer"]).toBeUndefined();
  });
});

describe("XML bodies", () => {
  it("DeleteObjects: forwards a re-serialized document with a Content-MD5 the upstream can check", async () => {
    const xml = Buffer.from('<Delete><Quiet>false</Quiet><Object><Key> a&amp;b </Key></Object><Object><Key>c</Key><VersionId>v1</VersionId></Object></Delete>');
    let received: Buffer = Buffer.alloc(0);
    fx.upstream.handler = (req, res, body) => {
      received = body;
      res.writeHead(200, { "content-type": "application/xml" });
      res.end("<DeleteResult><Deleted><Key>a</Key></Deleted></DeleteResult>");
      return req.method === "POST";
    };
    const res = await send("POST", `/${TEST_BUCKET}`, { query: { delete: "" }, body: xml, headers: { "x-amz-checksum-crc32": crc32b64(xml), "x-amz-sdk-checksum-algorithm": "CRC32" } });
    expect(res.status).toBe(200);
    expect(received.toString()).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>\n<Delete xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Quiet>false</Quiet>' +
        "<Object><Key> a&amp;b </Key></Object><Object><Key>c</Key><VersionId>v1</VersionId></Object></Delete>",
    );
    expect(fx.upstream.requests[0]?.headers["content-md5"]).toBe(createHash("md5").update(received).digest("base64"));
    expect(fx.upstream.requests[0]?.headers["x-amz-checksum-crc32"]).toBeUndefined();
  });

  it("fails with MaxMessageLengthExceeded if an XML body is larger than maxXmlBodyBytes", async () => {
    await fx.close();
    fx = await startProxyFixture({}, { maxXmlBodyBytes: 1024 });
    const res = await send("POST", `/${TEST_BUCKET}/k`, { query: { uploadId: "u" }, body: Buffer.alloc(2048, 0x20) });
    expect(res.status).toBe(400);
    expect(res.body.toString()).toContain("<Code>MaxMessageLengthExceeded</Code>");
    expect(fx.upstream.requests).toHaveLength(0);
  });
});
