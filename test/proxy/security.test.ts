import { createHash } from "node:crypto";
import { crc32 } from "node:zlib";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { UPSTREAM_CREDENTIALS } from "../support/fake-upstream.ts";
import { PROXY_CLIENT_CREDENTIALS, TEST_BUCKET, startProxyFixture, type ProxyFixture } from "../support/proxy-fixture.ts";
import { presignUrl, sendRaw, signedSend, streamingSignedRequest, unsignedTrailerRequest, type RawResponse } from "../support/proxy-signer.ts";

function crc32b64(data: Buffer): string {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(crc32(data) >>> 0);
  return out.toString("base64");
}

const EMPTY = createHash("sha256").digest("hex");

let fx: ProxyFixture;
beforeEach(async () => {
  fx = await startProxyFixture();
});
afterEach(async () => {
  await fx.close();
});

function codeOf(res: RawResponse): string | undefined {
  return /<Code>([^<]*)<\/Code>/.exec(res.body.toString())?.[1];
}

describe("client authentication", () => {
  it("refuses an unknown access key with 403 InvalidAccessKeyId, before anything reaches the upstream", async () => {
    const res = await signedSend({ endpoint: fx.proxy.url, method: "GET", path: `/${TEST_BUCKET}/k`, payloadHash: EMPTY, credentials: { accessKeyId: "SOMEONEELSE", secretAccessKey: "x" } });
    expect(res.status).toBe(403);
    expect(res.headers["content-type"]).toBe("application/xml");
    expect(codeOf(res)).toBe("InvalidAccessKeyId");
    expect(fx.upstream.requests).toHaveLength(0);
  });

  it("refuses a wrong secret with 403 SignatureDoesNotMatch", async () => {
    const res = await signedSend({ endpoint: fx.proxy.url, method: "GET", path: `/${TEST_BUCKET}/k`, payloadHash: EMPTY, credentials: { ...PROXY_CLIENT_CREDENTIALS, secretAccessKey: "wrong" } });
    expect(res.status).toBe(403);
    expect(codeOf(res)).toBe("SignatureDoesNotMatch");
    expect(fx.upstream.requests).toHaveLength(0);
  });

  it("refuses the upstream's own credentials (prevents using the proxy with leaked upstream keys)", async () => {
    const res = await signedSend({ endpoint: fx.proxy.url, method: "GET", path: `/${TEST_BUCKET}/k`, payloadHash: EMPTY, credentials: UPSTREAM_CREDENTIALS });
    expect(res.status).toBe(403);
    expect(codeOf(res)).toBe("InvalidAccessKeyId");
  });

  it("refuses a request signed more than 15 minutes ago (prevents replay)", async () => {
    const res = await signedSend({ endpoint: fx.proxy.url, method: "GET", path: `/${TEST_BUCKET}/k`, payloadHash: EMPTY, credentials: PROXY_CLIENT_CREDENTIALS, date: new Date(Date.now() - 16 * 60_000) });
    expect(res.status).toBe(403);
    expect(codeOf(res)).toBe("RequestTimeTooSkewed");
  });

  it("refuses an expired presigned URL (prevents replay of leaked links)", async () => {
    const url = await presignUrl({ endpoint: fx.proxy.url, method: "GET", path: `/${TEST_BUCKET}/k`, credentials: PROXY_CLIENT_CREDENTIALS, expiresIn: 60, date: new Date(Date.now() - 120_000) });
    const res = await fetch(url);
    expect(res.status).toBe(403);
    expect(await res.text()).toContain("<Code>AccessDenied</Code>");
    expect(fx.upstream.requests).toHaveLength(0);
  });

  it("refuses anonymous requests", async () => {
    const res = await sendRaw(fx.proxy.url, "GET", `/${TEST_BUCKET}/k`, {});
    expect(res.status).toBe(403);
    expect(codeOf(res)).toBe("AccessDenied");
  });
});

describe("bucket allow-list", () => {
  it("denies a bucket not in S3PROXY_BUCKETS (prevents reaching the upstream user's other buckets)", async () => {
    const res = await signedSend({ endpoint: fx.proxy.url, method: "GET", path: "/someone-elses-bucket/k", payloadHash: EMPTY, credentials: PROXY_CLIENT_CREDENTIALS });
    expect(res.status).toBe(403);
    expect(codeOf(res)).toBe("AccessDenied");
    expect(res.body.toString()).toContain("<Message>Access to bucket &apos;someone-elses-bucket&apos; is not allowed through this proxy.</Message>");
    expect(fx.upstream.requests).toHaveLength(0);
  });

  it("denies ListBuckets (prevents listing the upstream user's buckets)", async () => {
    const res = await signedSend({ endpoint: fx.proxy.url, method: "GET", path: "/", payloadHash: EMPTY, credentials: PROXY_CLIENT_CREDENTIALS });
    expect(res.status).toBe(403);
    expect(codeOf(res)).toBe("AccessDenied");
    expect(res.body.toString()).toContain("<Message>Listing buckets is not allowed through this proxy.</Message>");
    expect(fx.upstream.requests).toHaveLength(0);
  });

  it("denies copying from a bucket not in S3PROXY_BUCKETS into an allowed one (prevents exfiltration by CopyObject)", async () => {
    for (const source of ["/someone-elses-bucket/secret", "someone-elses-bucket/secret?versionId=1", "%2Fsomeone-elses-bucket%2Fsecret"]) {
      const res = await signedSend({ endpoint: fx.proxy.url, method: "PUT", path: `/${TEST_BUCKET}/copy`, headers: { "x-amz-copy-source": source }, body: Buffer.alloc(0), credentials: PROXY_CLIENT_CREDENTIALS });
      expect(res.status).toBe(403);
      expect(res.body.toString()).toContain("Copying from bucket &apos;someone-elses-bucket&apos; is not allowed through this proxy.");
    }
    expect(fx.upstream.requests).toHaveLength(0);
  });

  it.each([
    ["CreateBucket", "PUT", `/${TEST_BUCKET}`, {}, {}, "CreateBucket is not allowed through this proxy."],
    ["DeleteBucket", "DELETE", `/${TEST_BUCKET}`, {}, {}, "DeleteBucket is not allowed through this proxy."],
    ["PutBucketPolicy", "PUT", `/${TEST_BUCKET}`, { policy: "" }, {}, "Changing bucket configuration is not allowed through this proxy."],
    ["PutBucketAcl", "PUT", `/${TEST_BUCKET}`, { acl: "" }, {}, "Changing bucket configuration is not allowed through this proxy."],
    ["DeleteBucketPolicy", "DELETE", `/${TEST_BUCKET}`, { policy: "" }, {}, "Changing bucket configuration is not allowed through this proxy."],
    ["DeleteBucketCors", "DELETE", `/${TEST_BUCKET}`, { cors: "" }, {}, "Changing bucket configuration is not allowed through this proxy."],
    ["DeleteBucketLifecycle", "DELETE", `/${TEST_BUCKET}`, { lifecycle: "" }, {}, "Changing bucket configuration is not allowed through this proxy."],
    ["DeleteBucketEncryption", "DELETE", `/${TEST_BUCKET}`, { encryption: "" }, {}, "Changing bucket configuration is not allowed through this proxy."],
    ["DeleteBucketWebsite", "DELETE", `/${TEST_BUCKET}`, { website: "" }, {}, "Changing bucket configuration is not allowed through this proxy."],
    ["PutBucketVersioning", "PUT", `/${TEST_BUCKET}`, { versioning: "" }, {}, "Changing bucket configuration is not allowed through this proxy."],
    ["PutObjectAcl", "PUT", `/${TEST_BUCKET}/k`, { acl: "" }, {}, "Setting ACLs is not allowed through this proxy."],
    ["PutObjectRetention", "PUT", `/${TEST_BUCKET}/k`, { retention: "" }, {}, "Changing object retention is not allowed through this proxy."],
    ["PutObjectLegalHold", "PUT", `/${TEST_BUCKET}/k`, { "legal-hold": "" }, {}, "Changing object legal-hold is not allowed through this proxy."],
    ["PutObject with a canned ACL", "PUT", `/${TEST_BUCKET}/k`, {}, { "x-amz-acl": "public-read" }, "Setting ACLs (x-amz-acl) is not allowed through this proxy."],
    ["CreateMultipartUpload with a grant", "POST", `/${TEST_BUCKET}/k`, { uploads: "" }, { "x-amz-grant-read": "uri=http://acs.amazonaws.com/groups/global/AllUsers" }, "Setting ACLs (x-amz-grant-read) is not allowed through this proxy."],
  ])("denies %s, whatever the method (prevents deleting the bucket, its configuration, or making data public)", async (_name, method, path, query, headers, message) => {
    const res = await signedSend({ endpoint: fx.proxy.url, method, path, query, headers, body: Buffer.alloc(0), credentials: PROXY_CLIENT_CREDENTIALS });
    expect(res.status).toBe(403);
    expect(codeOf(res)).toBe("AccessDenied");
    expect(res.body.toString()).toContain(`<Message>${message}</Message>`);
    expect(fx.upstream.requests).toHaveLength(0);
  });

  it("denies a copy source without a key or with broken percent-encoding (prevents a source the allow-list did not read)", async () => {
    for (const source of [`${TEST_BUCKET}x`, `/${TEST_BUCKET}`, "%E0%A4%A"]) {
      const res = await signedSend({ endpoint: fx.proxy.url, method: "PUT", path: `/${TEST_BUCKET}/copy`, headers: { "x-amz-copy-source": source }, body: Buffer.alloc(0), credentials: PROXY_CLIENT_CREDENTIALS });
      expect(res.status, source).toBe(403);
      expect(res.body.toString()).toContain(`<Message>Copying from bucket &apos;${source}&apos; is not allowed through this proxy.</Message>`);
    }
    expect(fx.upstream.requests).toHaveLength(0);
  });

  it("allows reading bucket and object sub-resources (GET ?location, GET ?acl): only changing them is denied", async () => {
    fx.upstream.handler = (_req, res) => {
      res.writeHead(200, { "content-type": "application/xml" });
      res.end("<Result/>");
      return true;
    };
    for (const [path, query] of [[`/${TEST_BUCKET}`, { location: "" }], [`/${TEST_BUCKET}/k`, { acl: "" }]] as const) {
      const res = await signedSend({ endpoint: fx.proxy.url, method: "GET", path, query, payloadHash: EMPTY, credentials: PROXY_CLIENT_CREDENTIALS });
      expect(res.status, path).toBe(200);
    }
    expect(fx.upstream.requests.map((r) => r.method)).toEqual(["GET", "GET"]);
  });

  it("allows copying within the allowed buckets", async () => {
    fx.upstream.handler = (req, res) => {
      res.writeHead(200, { "content-type": "application/xml" });
      res.end("<CopyObjectResult><ETag>e</ETag></CopyObjectResult>");
      return req.method === "PUT";
    };
    const res = await signedSend({ endpoint: fx.proxy.url, method: "PUT", path: `/${TEST_BUCKET}/copy`, headers: { "x-amz-copy-source": `/${TEST_BUCKET}/original` }, body: Buffer.alloc(0), credentials: PROXY_CLIENT_CREDENTIALS });
    expect(res.status).toBe(200);
    expect(fx.upstream.requests[0]?.headers["x-amz-copy-source"]).toBe(`/${TEST_BUCKET}/original`);
  });
});

describe("a body that does not verify is never committed upstream", () => {
  const body = Buffer.alloc(300_000, 5);

  it("checksum header mismatch: 400 BadDigest, the upstream request is cut short", async () => {
    const res = await signedSend({ endpoint: fx.proxy.url, method: "PUT", path: `/${TEST_BUCKET}/bad-crc`, body, headers: { "x-amz-checksum-crc32": crc32b64(Buffer.from("other")) }, credentials: PROXY_CLIENT_CREDENTIALS });
    expect(res.status).toBe(400);
    expect(codeOf(res)).toBe("BadDigest");
    const up = await fx.upstream.waitFor((r) => r.method === "PUT");
    expect(up.complete).toBe(false);
    expect(up.bytes).toBeLessThan(body.length);
    expect(fx.upstream.objects.has(`/${TEST_BUCKET}/bad-crc`)).toBe(false);
  });

  it("signed payload hash mismatch: 400 XAmzContentSHA256Mismatch, nothing committed", async () => {
    const res = await signedSend({ endpoint: fx.proxy.url, method: "PUT", path: `/${TEST_BUCKET}/bad-sha`, body, payloadHash: createHash("sha256").update("other").digest("hex"), credentials: PROXY_CLIENT_CREDENTIALS });
    expect(res.status).toBe(400);
    expect(codeOf(res)).toBe("XAmzContentSHA256Mismatch");
    expect(fx.upstream.objects.has(`/${TEST_BUCKET}/bad-sha`)).toBe(false);
  });

  it("a DELETE signed for a body it does not carry: 400 XAmzContentSHA256Mismatch, nothing sent upstream", async () => {
    fx.upstream.objects.set(`/${TEST_BUCKET}/keep`, Buffer.from("kept"));
    const res = await signedSend({ endpoint: fx.proxy.url, method: "DELETE", path: `/${TEST_BUCKET}/keep`, payloadHash: createHash("sha256").update("a body").digest("hex"), credentials: PROXY_CLIENT_CREDENTIALS });
    expect(res.status).toBe(400);
    expect(codeOf(res)).toBe("XAmzContentSHA256Mismatch");
    expect(fx.upstream.requests).toHaveLength(0);
    expect(fx.upstream.objects.has(`/${TEST_BUCKET}/keep`)).toBe(true);
  });

  it("an empty body with a wrong checksum sends no upstream request at all", async () => {
    const res = await signedSend({ endpoint: fx.proxy.url, method: "PUT", path: `/${TEST_BUCKET}/bad-empty`, body: Buffer.alloc(0), headers: { "x-amz-checksum-crc32": crc32b64(Buffer.from("x")) }, credentials: PROXY_CLIENT_CREDENTIALS });
    expect(res.status).toBe(400);
    expect(codeOf(res)).toBe("BadDigest");
    // The request's log line is written when the proxy is done with it (its upstream request destroyed); once every
    // upstream connection has then closed, any request head the proxy had sent would have been recorded.
    const requestId = res.headers["x-amz-request-id"];
    await fx.waitForLog((entry) => entry.requestId === requestId && entry.msg === "request");
    await fx.upstream.quiesce();
    expect(fx.upstream.requests).toHaveLength(0);
    expect(fx.upstream.objects.has(`/${TEST_BUCKET}/bad-empty`)).toBe(false);
  });

  it("a tampered signed aws-chunked chunk: 403 SignatureDoesNotMatch, nothing committed", async () => {
    const req = await streamingSignedRequest({ endpoint: fx.proxy.url, path: `/${TEST_BUCKET}/tampered`, data: body, chunkSize: 65_536, credentials: PROXY_CLIENT_CREDENTIALS, tamper: { chunk: 4 } });
    const res = await sendRaw(fx.proxy.url, "PUT", req.path, req.headers, req.body);
    expect(res.status).toBe(403);
    expect(codeOf(res)).toBe("SignatureDoesNotMatch");
    expect(fx.upstream.requests.every((r) => !r.complete)).toBe(true);
    expect(fx.upstream.objects.has(`/${TEST_BUCKET}/tampered`)).toBe(false);
  });

  it("a trailing checksum that does not match: 400 BadDigest, nothing committed", async () => {
    const req = await unsignedTrailerRequest({ endpoint: fx.proxy.url, path: `/${TEST_BUCKET}/bad-trailer`, data: body, chunkSize: 65_536, trailerName: "x-amz-checksum-crc32", trailerValue: crc32b64(Buffer.from("other")), credentials: PROXY_CLIENT_CREDENTIALS });
    const res = await sendRaw(fx.proxy.url, "PUT", req.path, req.headers, req.body);
    expect(res.status).toBe(400);
    expect(codeOf(res)).toBe("BadDigest");
    expect(fx.upstream.requests.every((r) => !r.complete)).toBe(true);
    expect(fx.upstream.objects.has(`/${TEST_BUCKET}/bad-trailer`)).toBe(false);
  });
});

describe("upstream credentials never leave the proxy", () => {
  it("appear in no response and no log line across success and error paths", async () => {
    const responses: RawResponse[] = [];
    const client = PROXY_CLIENT_CREDENTIALS;
    responses.push(await signedSend({ endpoint: fx.proxy.url, method: "PUT", path: `/${TEST_BUCKET}/ok`, body: Buffer.from("ok"), credentials: client }));
    responses.push(await signedSend({ endpoint: fx.proxy.url, method: "GET", path: `/${TEST_BUCKET}/missing`, payloadHash: EMPTY, credentials: client }));
    responses.push(await signedSend({ endpoint: fx.proxy.url, method: "GET", path: `/${TEST_BUCKET}/k`, payloadHash: EMPTY, credentials: { ...client, secretAccessKey: "wrong" } }));
    responses.push(await signedSend({ endpoint: fx.proxy.url, method: "GET", path: "/other/k", payloadHash: EMPTY, credentials: client }));
    responses.push(await signedSend({ endpoint: fx.proxy.url, method: "PUT", path: `/${TEST_BUCKET}/bad`, body: Buffer.from("x"), headers: { "x-amz-checksum-crc32": "AAAAAA==" }, credentials: client }));
    // The upstream rejects the proxy's signature and echoes its key id, as AWS does in SignatureDoesNotMatch.
    fx.upstream.handler = (_req, res) => {
      const xml = `<Error><Code>SignatureDoesNotMatch</Code><Message></Message><AWSAccessKeyId>${UPSTREAM_CREDENTIALS.accessKeyId}</AWSAccessKeyId><StringToSign>x</StringToSign></Error>`;
      res.writeHead(403, { "content-type": "application/xml" });
      res.end(xml);
      return true;
    };
    responses.push(await signedSend({ endpoint: fx.proxy.url, method: "GET", path: `/${TEST_BUCKET}/k`, payloadHash: EMPTY, credentials: client }));
    // HEAD carries no error document: the proxy asks again with a GET, so the HEAD answers like the GET (500).
    responses.push(await signedSend({ endpoint: fx.proxy.url, method: "HEAD", path: `/${TEST_BUCKET}/k`, payloadHash: EMPTY, credentials: client }));
    await fx.upstream.close();
    responses.push(await signedSend({ endpoint: fx.proxy.url, method: "PUT", path: `/${TEST_BUCKET}/down`, body: Buffer.from("x"), credentials: client }));
    responses.push(await sendRaw(fx.proxy.url, "GET", "/readyz", {}));
    responses.push(await sendRaw(fx.proxy.url, "GET", "/metrics", {}));

    expect(responses.map((r) => r.status)).toEqual([200, 404, 403, 403, 400, 500, 500, 503, 503, 200]);
    const everything = [
      ...responses.map((r) => JSON.stringify(r.headers) + r.body.toString()),
      ...fx.logs.map((entry) => JSON.stringify(entry)),
    ].join("\n");
    expect(everything).not.toContain(UPSTREAM_CREDENTIALS.accessKeyId);
    expect(everything).not.toContain(UPSTREAM_CREDENTIALS.secretAccessKey);
    expect(everything).not.toContain(PROXY_CLIENT_CREDENTIALS.secretAccessKey);
  });
});
