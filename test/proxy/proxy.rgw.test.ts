/**
 * The S3 compatibility proxy in front of a REAL Ceph RGW (started by the rgw project's global setup): Convex's
 * exact S3 sequence with its defaults (SSE AES256 + CRC32) succeeds through the proxy, aws-chunked uploads work
 * (RGW Pacific answers 411 to them directly), and every security and failure point holds against the real store.
 */
import { randomBytes } from "node:crypto";
import net from "node:net";
import { Readable } from "node:stream";
import { crc32 } from "node:zlib";
import {
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListPartsCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startProxy, type RunningProxy } from "../../proxy/src/index.ts";
import type { LogEntry } from "../../proxy/src/types.ts";
import { CONVEX_PART_SIZE, runConvexS3Sequence } from "../support/convex-s3-sequence.ts";
import { PROXY_CLIENT_CREDENTIALS, testProxyOptions } from "../support/proxy-fixture.ts";
import { sendRaw, signRequest, signedSend, streamingSignedRequest, unsignedTrailerRequest } from "../support/proxy-signer.ts";
import {
  adminS3Client,
  createTestBucket,
  createTestRgwUser,
  describeWithRgw,
  useTestBucket,
  type AvailableRgwInfo,
} from "../support/rgw.ts";
import { startTcpForwarder } from "../support/tcp-forwarder.ts";

function crc32b64(data: Uint8Array): string {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(crc32(data) >>> 0);
  return out.toString("base64");
}

async function startProxyFor(rgw: AvailableRgwInfo, buckets: readonly string[], upstream = rgw.endpoint, logs?: LogEntry[]): Promise<RunningProxy> {
  return startProxy({
    ...testProxyOptions(upstream, { S3PROXY_BUCKETS: buckets.join(",") }, logs ?? []),
    upstreamCredentials: { accessKeyId: rgw.accessKeyId, secretAccessKey: rgw.secretAccessKey },
  });
}

async function objectExists(client: S3Client, bucket: string, key: string): Promise<boolean> {
  try {
    await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    return true;
  } catch (error) {
    if ((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) return false;
    throw error;
  }
}

function codeOf(body: Buffer): string | undefined {
  return /<Code>([^<]*)<\/Code>/.exec(body.toString())?.[1];
}

describeWithRgw("the S3 proxy in front of Ceph RGW", (rgw) => {
  const bucket = useTestBucket("proxy");
  const logs: LogEntry[] = [];
  let proxy: RunningProxy;
  let client: S3Client;
  beforeAll(async () => {
    proxy = await startProxyFor(rgw, [bucket.current.name], rgw.endpoint, logs);
    client = new S3Client({ endpoint: proxy.url, region: "us-east-1", forcePathStyle: true, credentials: PROXY_CLIENT_CREDENTIALS, maxAttempts: 1 });
  });
  afterAll(async () => {
    await proxy?.close(100);
  });

  const sizes: [string, number][] = [
    ["an empty object", 0],
    ["a small object", 100],
    ["5 MiB + 1 byte (two parts)", CONVEX_PART_SIZE + 1],
    ["a multi-part object (three parts)", 2 * CONVEX_PART_SIZE + 12_345],
  ];
  it.each(sizes)("Convex's default sequence (SSE AES256 + CRC32) succeeds for %s", async (_name, size) => {
    const body = randomBytes(size);
    const key = `convex/${size}`;
    const result = await runConvexS3Sequence({
      target: { endpoint: proxy.url, accessKeyId: PROXY_CLIENT_CREDENTIALS.accessKeyId, secretAccessKey: PROXY_CLIENT_CREDENTIALS.secretAccessKey },
      bucket: bucket.current.name,
      key,
      body,
      deleteAfter: false,
    });
    expect(result.parts.length).toBe(Math.max(1, Math.ceil(size / CONVEX_PART_SIZE)));
    for (const part of result.parts) expect(part.checksumCrc32).toBe(part.expectedCrc32);
    expect(result.checksumCrc32).toBe(result.expectedCompositeCrc32);
    expect(result.sizeFromRange).toBe(size);
    expect(result.rangeStatus).toBe(size === 0 ? 416 : 206);
    expect(result.head.contentLength).toBe(size);
    expect(result.downloaded.equals(body)).toBe(true);
    expect(result.presignedPut.status).toBe(200);
    // What RGW actually stored, read directly with the upstream user:
    const direct = await adminS3Client(rgw).send(new GetObjectCommand({ Bucket: bucket.current.name, Key: key }));
    const stored = Buffer.from(await direct.Body!.transformToByteArray());
    expect(stored.equals(body)).toBe(true);
    expect(crc32b64(stored)).toBe(crc32b64(body));
  });

  it("aws-chunked STREAMING-UNSIGNED-PAYLOAD-TRAILER (SDK PutObject with a stream body) succeeds, where RGW Pacific alone answers 411", async () => {
    const body = randomBytes(3 * 1024 * 1024 + 7);
    const put = await client.send(
      new PutObjectCommand({ Bucket: bucket.current.name, Key: "chunked/trailer", Body: Readable.from([body.subarray(0, 1_000_000), body.subarray(1_000_000)]), ContentLength: body.length }),
    );
    expect(put.ChecksumCRC32).toBe(crc32b64(body));
    const got = await client.send(new GetObjectCommand({ Bucket: bucket.current.name, Key: "chunked/trailer" }));
    expect(Buffer.from(await got.Body!.transformToByteArray()).equals(body)).toBe(true);
  });

  it("aws-chunked STREAMING-AWS4-HMAC-SHA256-PAYLOAD succeeds and stores the decoded bytes", async () => {
    const data = randomBytes(1024 * 1024 + 3);
    const req = await streamingSignedRequest({ endpoint: proxy.url, path: `/${bucket.current.name}/chunked/signed`, data, chunkSize: 64 * 1024, credentials: PROXY_CLIENT_CREDENTIALS });
    const res = await sendRaw(proxy.url, "PUT", req.path, req.headers, req.body);
    expect(res.status).toBe(200);
    // No checksum was asked for, so none was computed (issue 12).
    expect(Object.keys(res.headers).filter((name) => name.startsWith("x-amz-checksum-"))).toEqual([]);
    const direct = await adminS3Client(rgw).send(new GetObjectCommand({ Bucket: bucket.current.name, Key: "chunked/signed" }));
    expect(Buffer.from(await direct.Body!.transformToByteArray()).equals(data)).toBe(true);
  });

  it("aws-chunked STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER succeeds with its signed CRC32 trailer", async () => {
    const data = randomBytes(700_000);
    const req = await streamingSignedRequest({
      endpoint: proxy.url,
      path: `/${bucket.current.name}/chunked/signed-trailer`,
      data,
      chunkSize: 64 * 1024,
      credentials: PROXY_CLIENT_CREDENTIALS,
      trailer: { name: "x-amz-checksum-crc32", value: crc32b64(data) },
    });
    const res = await sendRaw(proxy.url, "PUT", req.path, req.headers, req.body);
    expect(res.status).toBe(200);
    const direct = await adminS3Client(rgw).send(new GetObjectCommand({ Bucket: bucket.current.name, Key: "chunked/signed-trailer" }));
    expect(Buffer.from(await direct.Body!.transformToByteArray()).equals(data)).toBe(true);
  });

  it("passes ListObjectsV2, DeleteObject and a presigned GET through", async () => {
    await client.send(new PutObjectCommand({ Bucket: bucket.current.name, Key: "list/a", Body: Buffer.from("a") }));
    const { ListObjectsV2Command, DeleteObjectCommand } = await import("@aws-sdk/client-s3");
    const listed = await client.send(new ListObjectsV2Command({ Bucket: bucket.current.name, Prefix: "list/" }));
    expect(listed.Contents?.map((o) => o.Key)).toEqual(["list/a"]);
    const url = await getSignedUrl(client, new GetObjectCommand({ Bucket: bucket.current.name, Key: "list/a" }), { expiresIn: 60 });
    expect(await (await fetch(url)).text()).toBe("a");
    await client.send(new DeleteObjectCommand({ Bucket: bucket.current.name, Key: "list/a" }));
    expect(await objectExists(adminS3Client(rgw), bucket.current.name, "list/a")).toBe(false);
  });

  it("passes DeleteObjects, ListParts and AbortMultipartUpload through", async () => {
    const { AbortMultipartUploadCommand, DeleteObjectsCommand, ListMultipartUploadsCommand } = await import("@aws-sdk/client-s3");
    for (const key of ["multi/a", "multi/b"]) await client.send(new PutObjectCommand({ Bucket: bucket.current.name, Key: key, Body: Buffer.from(key) }));
    const deleted = await client.send(new DeleteObjectsCommand({ Bucket: bucket.current.name, Delete: { Objects: [{ Key: "multi/a" }, { Key: "multi/b" }] } }));
    expect(deleted.Deleted?.map((d) => d.Key).sort()).toEqual(["multi/a", "multi/b"]);
    expect(await objectExists(adminS3Client(rgw), bucket.current.name, "multi/a")).toBe(false);

    const created = await client.send(new CreateMultipartUploadCommand({ Bucket: bucket.current.name, Key: "abort-me", ChecksumAlgorithm: "CRC32" }));
    expect(created.ChecksumAlgorithm).toBe("CRC32");
    await client.send(new UploadPartCommand({ Bucket: bucket.current.name, Key: "abort-me", UploadId: created.UploadId, PartNumber: 1, Body: Buffer.from("part") }));
    const parts = await client.send(new ListPartsCommand({ Bucket: bucket.current.name, Key: "abort-me", UploadId: created.UploadId }));
    expect(parts.Parts?.map((p) => [p.PartNumber, p.Size])).toEqual([[1, 4]]);
    await client.send(new AbortMultipartUploadCommand({ Bucket: bucket.current.name, Key: "abort-me", UploadId: created.UploadId }));
    const uploads = await adminS3Client(rgw).send(new ListMultipartUploadsCommand({ Bucket: bucket.current.name, Prefix: "abort-me" }));
    expect(uploads.Uploads ?? []).toEqual([]);
  });

  it("gives RGW's empty <Message> a helpful one: NoSuchKey", async () => {
    const res = await signedSend({ endpoint: proxy.url, method: "GET", path: `/${bucket.current.name}/missing`, credentials: PROXY_CLIENT_CREDENTIALS });
    expect(res.status).toBe(404);
    expect(res.body.toString()).toContain("<Code>NoSuchKey</Code><Message>The specified key does not exist.</Message>");
  });

  it("an UploadPart to an upload that does not exist gets RGW's NoSuchUpload, with a message", async () => {
    const res = await signedSend({
      endpoint: proxy.url,
      method: "PUT",
      path: `/${bucket.current.name}/no-upload`,
      query: { partNumber: "1", uploadId: "2~doesnotexist" },
      body: randomBytes(CONVEX_PART_SIZE),
      credentials: PROXY_CLIENT_CREDENTIALS,
    });
    expect(res.status).toBe(404);
    expect(res.body.toString()).toContain("<Code>NoSuchUpload</Code><Message>The specified multipart upload does not exist.");
  });

  it("refuses a bad signature with 403 SignatureDoesNotMatch", async () => {
    const res = await signedSend({ endpoint: proxy.url, method: "GET", path: `/${bucket.current.name}/x`, credentials: { ...PROXY_CLIENT_CREDENTIALS, secretAccessKey: "wrong" } });
    expect(res.status).toBe(403);
    expect(codeOf(res.body)).toBe("SignatureDoesNotMatch");
  });

  it("refuses an unknown key with 403 InvalidAccessKeyId, including the upstream's own key", async () => {
    const res = await signedSend({ endpoint: proxy.url, method: "GET", path: `/${bucket.current.name}/x`, credentials: { accessKeyId: rgw.accessKeyId, secretAccessKey: rgw.secretAccessKey } });
    expect(res.status).toBe(403);
    expect(codeOf(res.body)).toBe("InvalidAccessKeyId");
  });

  it("refuses an expired presigned URL and a skewed clock", async () => {
    const url = await getSignedUrl(client, new GetObjectCommand({ Bucket: bucket.current.name, Key: "x" }), { expiresIn: 1, signingDate: new Date(Date.now() - 60_000) });
    const expired = await fetch(url);
    expect(expired.status).toBe(403);
    expect(await expired.text()).toContain("Request has expired");
    const skewed = await signedSend({ endpoint: proxy.url, method: "GET", path: `/${bucket.current.name}/x`, credentials: PROXY_CLIENT_CREDENTIALS, date: new Date(Date.now() + 20 * 60_000) });
    expect(skewed.status).toBe(403);
    expect(codeOf(skewed.body)).toBe("RequestTimeTooSkewed");
  });

  it("denies a foreign bucket that exists on the same RGW (prevents reaching other workspaces' data)", async () => {
    const other = await createTestRgwUser(rgw, "proxy-foreign");
    const foreign = await createTestBucket("proxy-foreign", { owner: other });
    await foreign.client.send(new PutObjectCommand({ Bucket: foreign.name, Key: "secret", Body: Buffer.from("theirs") }));
    const res = await signedSend({ endpoint: proxy.url, method: "GET", path: `/${foreign.name}/secret`, credentials: PROXY_CLIENT_CREDENTIALS });
    expect(res.status).toBe(403);
    expect(codeOf(res.body)).toBe("AccessDenied");
    expect(res.body.toString()).not.toContain("theirs");
    const list = await signedSend({ endpoint: proxy.url, method: "GET", path: "/", credentials: PROXY_CLIENT_CREDENTIALS });
    expect(list.status).toBe(403);
  });

  it("a PutObject whose CRC32 does not match gets BadDigest and leaves no object", async () => {
    const body = randomBytes(2 * 1024 * 1024);
    const res = await signedSend({ endpoint: proxy.url, method: "PUT", path: `/${bucket.current.name}/bad-crc`, body, headers: { "x-amz-checksum-crc32": crc32b64(Buffer.from("not it")) }, credentials: PROXY_CLIENT_CREDENTIALS });
    expect(res.status).toBe(400);
    expect(codeOf(res.body)).toBe("BadDigest");
    // No wait needed: the proxy destroys the upstream request (short of its length) before it answers.
    expect(await objectExists(adminS3Client(rgw), bucket.current.name, "bad-crc")).toBe(false);
  });

  it("an UploadPart whose CRC32 does not match gets BadDigest and leaves no part", async () => {
    const created = await client.send(new CreateMultipartUploadCommand({ Bucket: bucket.current.name, Key: "bad-part", ChecksumAlgorithm: "CRC32" }));
    const part = randomBytes(CONVEX_PART_SIZE);
    const res = await signedSend({
      endpoint: proxy.url,
      method: "PUT",
      path: `/${bucket.current.name}/bad-part`,
      query: { partNumber: "1", uploadId: created.UploadId ?? "" },
      body: part,
      headers: { "x-amz-checksum-crc32": crc32b64(Buffer.from("not it")), "x-amz-sdk-checksum-algorithm": "CRC32" },
      credentials: PROXY_CLIENT_CREDENTIALS,
    });
    expect(res.status).toBe(400);
    expect(codeOf(res.body)).toBe("BadDigest");
    // No wait needed: the proxy destroys the upstream request (short of its length) before it answers.
    const parts = await adminS3Client(rgw).send(new ListPartsCommand({ Bucket: bucket.current.name, Key: "bad-part", UploadId: created.UploadId }));
    expect(parts.Parts ?? []).toEqual([]);
    const good = await client.send(new UploadPartCommand({ Bucket: bucket.current.name, Key: "bad-part", UploadId: created.UploadId, PartNumber: 1, Body: part, ChecksumAlgorithm: "CRC32" }));
    expect(good.ChecksumCRC32).toBe(crc32b64(part));
  });

  it("an aws-chunked upload whose trailing CRC32 does not match gets BadDigest and leaves no object", async () => {
    const data = randomBytes(1024 * 1024);
    const req = await unsignedTrailerRequest({
      endpoint: proxy.url,
      path: `/${bucket.current.name}/bad-trailer`,
      data,
      chunkSize: 64 * 1024,
      trailerName: "x-amz-checksum-crc32",
      trailerValue: crc32b64(Buffer.from("not it")),
      credentials: PROXY_CLIENT_CREDENTIALS,
    });
    const res = await sendRaw(proxy.url, "PUT", req.path, req.headers, req.body);
    expect(res.status).toBe(400);
    expect(codeOf(res.body)).toBe("BadDigest");
    // No wait needed: the proxy destroys the upstream request (short of its length) before it answers.
    expect(await objectExists(adminS3Client(rgw), bucket.current.name, "bad-trailer")).toBe(false);
  });

  it("accepts a presigned PUT from the JS presigner, which embeds the CRC32 of an empty body (ignored, as RGW does)", async () => {
    const url = await getSignedUrl(client, new PutObjectCommand({ Bucket: bucket.current.name, Key: "presigned-js" }), { expiresIn: 60 });
    expect(url).toContain("x-amz-checksum-crc32=");
    const res = await fetch(url, { method: "PUT", body: Buffer.from("presigned by the JS SDK") });
    expect(res.status).toBe(200);
    const direct = await adminS3Client(rgw).send(new GetObjectCommand({ Bucket: bucket.current.name, Key: "presigned-js" }));
    expect(await direct.Body!.transformToString()).toBe("presigned by the JS SDK");
  });

  it("S3PROXY_SSE=passthrough lets RGW refuse SSE, and explains rgw_crypt_require_ssl in the empty <Message>", async () => {
    const passthrough = await startProxy({
      ...testProxyOptions(rgw.endpoint, { S3PROXY_BUCKETS: bucket.current.name, S3PROXY_SSE: "passthrough" }, []),
      upstreamCredentials: { accessKeyId: rgw.accessKeyId, secretAccessKey: rgw.secretAccessKey },
    });
    try {
      const res = await signedSend({
        endpoint: passthrough.url,
        method: "POST",
        path: `/${bucket.current.name}/sse-passthrough`,
        query: { uploads: "" },
        headers: { "x-amz-server-side-encryption": "AES256" },
        credentials: PROXY_CLIENT_CREDENTIALS,
      });
      expect(res.status).toBe(400);
      // Pacific and Reef: InvalidRequest (rgw_crypt_require_ssl); Tentacle: InvalidArgument (no SSE-S3 backend).
      const code = codeOf(res.body);
      expect(["InvalidRequest", "InvalidArgument"]).toContain(code);
      expect(res.body.toString()).toContain(code === "InvalidRequest" ? "rgw_crypt_require_ssl" : "rgw_crypt_sse_s3_backend");
      expect(res.body.toString()).toContain("S3PROXY_SSE=strip");
    } finally {
      await passthrough.close(100);
    }
  });

  it("a client that stops mid-body leaves no object", async () => {
    const size = 8 * 1024 * 1024;
    const signed = await signRequest({ endpoint: proxy.url, method: "PUT", path: `/${bucket.current.name}/client-abort`, credentials: PROXY_CLIENT_CREDENTIALS, headers: { "content-length": String(size) } });
    const socket = net.connect(Number(new URL(proxy.url).port), "127.0.0.1");
    await new Promise<void>((resolve) => socket.once("connect", () => resolve()));
    socket.write([`PUT ${signed.path} HTTP/1.1`, ...Object.entries(signed.headers).map(([k, v]) => `${k}: ${v}`), "", ""].join("\r\n"));
    await new Promise<void>((resolve) => socket.write(randomBytes(size / 2), () => resolve()));
    socket.destroy();
    // The proxy logs "client aborted" once it has destroyed the upstream request.
    await expect.poll(() => logs.some((l) => l.msg === "client aborted" && l.operation === "PutObject"), { timeout: 5_000 }).toBe(true);
    expect(await objectExists(adminS3Client(rgw), bucket.current.name, "client-abort")).toBe(false);
  });

  it("an upstream connection reset mid-upload gives 503 with Retry-After and leaves no object", async () => {
    const rgwUrl = new URL(rgw.endpoint);
    const forwarder = await startTcpForwarder({ host: rgwUrl.hostname, port: Number(rgwUrl.port) });
    const viaForwarder = await startProxyFor(rgw, [bucket.current.name], forwarder.endpoint);
    try {
      forwarder.resetAfterBytes(1024 * 1024);
      const body = randomBytes(6 * 1024 * 1024);
      const res = await signedSend({ endpoint: viaForwarder.url, method: "PUT", path: `/${bucket.current.name}/upstream-reset`, body, credentials: PROXY_CLIENT_CREDENTIALS });
      expect(forwarder.resets).toBe(1);
      expect(res.status).toBe(503);
      expect(res.headers["retry-after"]).toBe("1");
      expect(codeOf(res.body)).toBe("ServiceUnavailable");
      // The 503 came after the reset: RGW's request was cut short of its length.
      expect(await objectExists(adminS3Client(rgw), bucket.current.name, "upstream-reset")).toBe(false);
    } finally {
      await viaForwarder.close(100);
      await forwarder.close();
    }
  });

  it("answers /readyz 200 with RGW up", async () => {
    const res = await fetch(`${proxy.url}/readyz`);
    expect(res.status).toBe(200);
  });

  it("never puts the upstream keys in a response or a log line", () => {
    const text = logs.map((l) => JSON.stringify(l)).join("\n");
    expect(text).not.toContain(rgw.accessKeyId);
    expect(text).not.toContain(rgw.secretAccessKey);
  });
});
