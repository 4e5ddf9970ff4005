/**
 * Security regressions against a REAL Ceph RGW (issue 11): every attack that once got past the proxy, and the class
 * it belongs to, is refused, and the test then reads the store directly with the AWS SDK (never through the proxy)
 * to show that nothing changed upstream: the object is absent, its ACL private, the upload not completed.
 *
 * The attacker holds what a workspace holds: the proxy's client credentials, or only one presigned PUT URL.
 */
import { createHash, randomBytes } from "node:crypto";
import {
  CreateMultipartUploadCommand,
  GetObjectTaggingCommand,
  HeadObjectCommand,
  PutObjectCommand,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startProxy, type RunningProxy } from "../../proxy/src/index.ts";
import { PROXY_CLIENT_CREDENTIALS, testProxyOptions } from "../support/proxy-fixture.ts";
import { presignUrl, signRequest } from "../support/proxy-signer.ts";
import { openRaw, rawRequest, type RawResponse } from "../support/raw-http.ts";
import { adminS3Client, describeWithRgw, useTestBucket } from "../support/rgw.ts";
import { anonymousGetStatus, objectExists, objectGrants, uploadParts } from "../support/s3-state.ts";
import { startTcpForwarder } from "../support/tcp-forwarder.ts";

type Headers = [string, string][];

function codeOf(res: RawResponse): string | undefined {
  return /<Code>([^<]*)<\/Code>/.exec(res.body.toString())?.[1];
}

function messageOf(res: RawResponse): string {
  return (/<Message>([^<]*)<\/Message>/.exec(res.body.toString())?.[1] ?? "").replace(/&apos;/g, "'").replace(/&quot;/g, '"');
}

const ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers";

describeWithRgw("security regressions against Ceph RGW: refused, and nothing changed upstream", (rgw) => {
  const allowed = useTestBucket("sec-allowed");
  const other = useTestBucket("sec-other");
  const admin = adminS3Client(rgw);
  let proxy: RunningProxy;
  let ownerGrants: string[];
  const A = (): string => allowed.current.name;

  beforeAll(async () => {
    proxy = await startProxy({
      ...testProxyOptions(rgw.endpoint, { S3PROXY_BUCKETS: A(), S3PROXY_BODY_TIMEOUT_MS: "400", S3PROXY_MIN_BODY_BYTES_PER_SECOND: "4096" }, []),
      upstreamCredentials: { accessKeyId: rgw.accessKeyId, secretAccessKey: rgw.secretAccessKey },
    });
    await admin.send(new PutObjectCommand({ Bucket: other.current.name, Key: "secret.txt", Body: "other workspace's secret" }));
    await admin.send(new PutObjectCommand({ Bucket: A(), Key: "private.txt", Body: "private" }));
    await admin.send(new PutObjectCommand({ Bucket: A(), Key: "keep-me", Body: "kept" }));
    ownerGrants = await objectGrants(admin, A(), "private.txt");
  });
  afterAll(async () => {
    await proxy?.close(100);
  });

  /** Signs (header auth, @smithy/signature-v4) a request; `rawQuery` replaces the query on the wire. */
  async function signed(method: string, path: string, options: { query?: Record<string, string>; headers?: Record<string, string>; body?: Buffer; payloadHash?: string; rawQuery?: string } = {}): Promise<{ target: string; headers: Headers }> {
    const headers = { ...options.headers, "content-length": String(options.body?.length ?? 0) };
    const payloadHash = options.payloadHash ?? (options.body === undefined ? "UNSIGNED-PAYLOAD" : createHash("sha256").update(options.body).digest("hex"));
    const req = await signRequest({ endpoint: proxy.url, method, path, query: options.query, headers, payloadHash, credentials: PROXY_CLIENT_CREDENTIALS });
    const target = options.rawQuery === undefined ? req.path : `${path}?${options.rawQuery}`;
    return { target, headers: Object.entries(req.headers) };
  }

  async function expectPrivate(key: string): Promise<void> {
    expect(await objectGrants(admin, A(), key)).toEqual(ownerGrants);
    expect(await anonymousGetStatus(rgw.endpoint, A(), key)).toBe(403);
  }

  // Attack 1: reading another bucket through x-amz-copy-source spelled with underscores.

  it("refuses CopyObject from another bucket via `x_amz_copy_source` (header auth), and copies nothing", async () => {
    const req = await signed("PUT", `/${A()}/copied`);
    const res = await rawRequest(proxy.url, "PUT", req.target, [...req.headers, ["x_amz_copy_source", `${other.current.name}/secret.txt`]]);
    expect(res.status).toBe(400);
    expect(codeOf(res)).toBe("InvalidArgument");
    expect(messageOf(res)).toBe("The header 'x_amz_copy_source' is read by the upstream as 'x-amz-copy-source': send it as 'x-amz-copy-source' (header names with '_' are refused).");
    expect(await objectExists(admin, A(), "copied")).toBe(false);
  });

  it("refuses CopyObject via `x_amz_copy_source` on a presigned PUT URL (no secret needed), and copies nothing", async () => {
    const url = await presignUrl({ endpoint: proxy.url, method: "PUT", path: `/${A()}/copied-presigned`, credentials: PROXY_CLIENT_CREDENTIALS, expiresIn: 300 });
    const target = url.slice(proxy.url.length);
    const res = await rawRequest(proxy.url, "PUT", target, [["host", new URL(proxy.url).host], ["content-length", "0"], ["x_amz_copy_source", `${other.current.name}/secret.txt`]]);
    expect(res.status).toBe(400);
    expect(codeOf(res)).toBe("InvalidArgument");
    expect(await objectExists(admin, A(), "copied-presigned")).toBe(false);
    // The URL itself still works for what it was made for.
    const ok = await rawRequest(proxy.url, "PUT", target, [["host", new URL(proxy.url).host], ["content-length", "2"]], Buffer.from("ok"));
    expect(ok.status).toBe(200);
  });

  it("refuses UploadPartCopy from another bucket via `x_amz_copy_source`, and adds no part", async () => {
    const created = await admin.send(new CreateMultipartUploadCommand({ Bucket: A(), Key: "upc" }));
    const uploadId = created.UploadId ?? "";
    const req = await signed("PUT", `/${A()}/upc`, { query: { partNumber: "1", uploadId } });
    const res = await rawRequest(proxy.url, "PUT", req.target, [...req.headers, ["x_amz_copy_source", `/${other.current.name}/secret.txt`]]);
    expect(res.status).toBe(400);
    expect(codeOf(res)).toBe("InvalidArgument");
    expect(await uploadParts(admin, A(), "upc", uploadId)).toEqual([]);
  });

  // Class: header spellings. Every other spelling of a meaningful header, and every repetition, is refused.

  it.each([
    ["X_AMZ_COPY_SOURCE", "underscores, upper case"],
    ["x-amz_copy-source", "one underscore"],
    ["X-Amz-Copy_Source", "mixed"],
  ])("refuses the spelling %s (%s) of x-amz-copy-source, and copies nothing", async (spelling) => {
    const req = await signed("PUT", `/${A()}/spelled`);
    const res = await rawRequest(proxy.url, "PUT", req.target, [...req.headers, [spelling, `${other.current.name}/secret.txt`]]);
    expect(res.status).toBe(400);
    expect(messageOf(res)).toContain(`The header '${spelling}' is read by the upstream as 'x-amz-copy-source'`);
    expect(await objectExists(admin, A(), "spelled")).toBe(false);
  });

  it.each([
    ["the same name twice", "x-amz-copy-source", "x-amz-copy-source"],
    ["two cases of one name", "x-amz-copy-source", "X-Amz-Copy-Source"],
  ])("refuses x-amz-copy-source sent twice (%s): parsers disagree on which copy wins", async (_name, first, second) => {
    const req = await signed("PUT", `/${A()}/twice`);
    const res = await rawRequest(proxy.url, "PUT", req.target, [...req.headers, [first, `${A()}/keep-me`], [second, `${other.current.name}/secret.txt`]]);
    expect(res.status).toBe(400);
    expect(messageOf(res)).toBe("The header 'x-amz-copy-source' appears more than once; send it once.");
    expect(await objectExists(admin, A(), "twice")).toBe(false);
  });

  it("refuses an x-amz-* header the proxy does not know (its meaning upstream is unchecked), and stores nothing", async () => {
    const req = await signed("PUT", `/${A()}/unknown-header`, { headers: { "x-amz-website-redirect-location": "/elsewhere" }, body: Buffer.from("x") });
    const res = await rawRequest(proxy.url, "PUT", req.target, req.headers, Buffer.from("x"));
    expect(res.status).toBe(501);
    expect(messageOf(res)).toBe("The header 'x-amz-website-redirect-location' is not supported by this proxy.");
    expect(await objectExists(admin, A(), "unknown-header")).toBe(false);
  });

  // Attack 2: making data public with ACL headers under another spelling.

  it.each([
    ["x_amz_acl", "public-read"],
    ["x_amz_grant_read", `uri="${ALL_USERS}"`],
    ["X_Amz_Grant_Full_Control", `uri="${ALL_USERS}"`],
  ])("refuses a PUT carrying %s, and the object stays private", async (name, value) => {
    const body = Buffer.from("overwrite");
    const req = await signed("PUT", `/${A()}/private.txt`, { body });
    const res = await rawRequest(proxy.url, "PUT", req.target, [...req.headers, [name, value]], body);
    expect(res.status).toBe(400);
    expect(codeOf(res)).toBe("InvalidArgument");
    await expectPrivate("private.txt");
    const stored = await admin.send(new HeadObjectCommand({ Bucket: A(), Key: "private.txt" }));
    expect(stored.ContentLength).toBe("private".length);
  });

  it("refuses CreateMultipartUpload carrying x_amz_grant_read, and creates no upload", async () => {
    const req = await signed("POST", `/${A()}/granted`, { query: { uploads: "" } });
    const res = await rawRequest(proxy.url, "POST", req.target, [...req.headers, ["x_amz_grant_read", `uri="${ALL_USERS}"`]]);
    expect(res.status).toBe(400);
    const { ListMultipartUploadsCommand } = await import("@aws-sdk/client-s3");
    const uploads = await admin.send(new ListMultipartUploadsCommand({ Bucket: A(), Prefix: "granted" }));
    expect(uploads.Uploads ?? []).toEqual([]);
  });

  // Attack 3 and its class: query encodings that decode to a sub-resource the proxy would not see.

  const publicPolicy = Buffer.from(
    '<AccessControlPolicy xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Owner><ID>convex</ID></Owner><AccessControlList>' +
      `<Grant><Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="Group"><URI>${ALL_USERS}</URI></Grantee><Permission>READ</Permission></Grant>` +
      "</AccessControlList></AccessControlPolicy>",
  );

  it.each([
    ["acl%3D", "acl=", 400, "InvalidArgument"],
    ["acl%3d", "acl=", 400, "InvalidArgument"],
    ["acl%3D%3D", "acl==", 400, "InvalidArgument"],
    ["ac%6C%3D", "acl=", 400, "InvalidArgument"],
    ["%61cl", "acl", 403, "AccessDenied"],
    ["acl%20", "acl ", 400, "InvalidArgument"],
    ["acl+", "acl+", 400, "InvalidArgument"],
    ["acl%00", "acl\u0000", 400, "InvalidArgument"],
  ])("refuses PUT ?%s with an AllUsers-READ policy body, and the ACL stays private", async (raw, decoded, status, code) => {
    const req = await signed("PUT", `/${A()}/private.txt`, { query: { [decoded]: "" }, body: publicPolicy, rawQuery: raw });
    const res = await rawRequest(proxy.url, "PUT", req.target, req.headers, publicPolicy);
    expect(res.status).toBe(status);
    expect(codeOf(res)).toBe(code);
    await expectPrivate("private.txt");
  });

  // Attack 4: operation confusion, and XML with DOCTYPE.

  async function openUpload(key: string): Promise<{ uploadId: string; etag: string }> {
    const created = await admin.send(new CreateMultipartUploadCommand({ Bucket: A(), Key: key }));
    const uploadId = created.UploadId ?? "";
    const part = await admin.send(new UploadPartCommand({ Bucket: A(), Key: key, UploadId: uploadId, PartNumber: 1, Body: Buffer.from("part one") }));
    return { uploadId, etag: part.ETag ?? "" };
  }

  const entityComplete = (etag: string): Buffer =>
    Buffer.from(
      `<?xml version="1.0"?><!DOCTYPE c [<!ENTITY e "${etag.replace(/"/g, "&quot;")}">]>` +
        "<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>&e;</ETag></Part></CompleteMultipartUpload>",
    );

  it("refuses POST ?uploads&uploadId= (CreateMultipartUpload to one parser, Complete to another), and the upload stays open", async () => {
    const { uploadId, etag } = await openUpload("confused");
    const body = entityComplete(etag);
    const req = await signed("POST", `/${A()}/confused`, { query: { uploads: "", uploadId }, body });
    const res = await rawRequest(proxy.url, "POST", req.target, req.headers, body);
    expect(res.status).toBe(400);
    expect(codeOf(res)).toBe("InvalidArgument");
    expect(messageOf(res)).toBe("The query parameters 'uploads', 'uploadId' do not name one POST operation on an object; send the parameters of one operation only.");
    expect(await uploadParts(admin, A(), "confused", uploadId)).toEqual([1]);
    expect(await objectExists(admin, A(), "confused")).toBe(false);
  });

  it.each([
    ["an internal entity", (etag: string) => entityComplete(etag)],
    ["an external entity", (etag: string) => Buffer.from(`<!DOCTYPE c [<!ENTITY x SYSTEM "file:///etc/hostname">]><CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>${etag}&x;</ETag></Part></CompleteMultipartUpload>`)],
    ["a bare DOCTYPE", (etag: string) => Buffer.from(`<!DOCTYPE CompleteMultipartUpload><CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>${etag}</ETag></Part></CompleteMultipartUpload>`)],
  ])("refuses CompleteMultipartUpload XML with %s, and the upload stays open", async (_name, make) => {
    const key = `doctype-${randomBytes(3).toString("hex")}`;
    const { uploadId, etag } = await openUpload(key);
    const body = make(etag);
    const req = await signed("POST", `/${A()}/${key}`, { query: { uploadId }, body });
    const res = await rawRequest(proxy.url, "POST", req.target, req.headers, body);
    expect(res.status).toBe(400);
    expect(codeOf(res)).toBe("MalformedXML");
    expect(await uploadParts(admin, A(), key, uploadId)).toEqual([1]);
    expect(await objectExists(admin, A(), key)).toBe(false);
    // The same upload completes through the proxy with a plain document: the refusal was the DOCTYPE, nothing else.
    const plain = Buffer.from(`<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>${etag}</ETag></Part></CompleteMultipartUpload>`);
    const good = await signed("POST", `/${A()}/${key}`, { query: { uploadId }, body: plain });
    expect((await rawRequest(proxy.url, "POST", good.target, good.headers, plain)).status).toBe(200);
    expect(await objectExists(admin, A(), key)).toBe(true);
  });

  it.each([
    ["an entity naming the key", '<!DOCTYPE d [<!ENTITY k "keep-me">]><Delete><Object><Key>&k;</Key></Object></Delete>'],
    ["a CDATA key", "<Delete><Object><Key><![CDATA[keep-me]]></Key></Object></Delete>"],
    ["a comment", "<Delete><!-- c --><Object><Key>keep-me</Key></Object></Delete>"],
    ["an unknown entity", "<Delete><Object><Key>keep&me;</Key></Object></Delete>"],
  ])("refuses DeleteObjects XML with %s, and the object stays", async (_name, xml) => {
    const body = Buffer.from(xml);
    const req = await signed("POST", `/${A()}`, { query: { delete: "" }, body, headers: { "content-md5": createHash("md5").update(body).digest("base64") } });
    const res = await rawRequest(proxy.url, "POST", req.target, req.headers, body);
    expect(res.status).toBe(400);
    expect(codeOf(res)).toBe("MalformedXML");
    expect(await objectExists(admin, A(), "keep-me")).toBe(true);
  });

  it("refuses PutObjectTagging XML with a DOCTYPE, and the object's tags stay empty", async () => {
    const body = Buffer.from('<!DOCTYPE t [<!ENTITY v "x">]><Tagging><TagSet><Tag><Key>k</Key><Value>&v;</Value></Tag></TagSet></Tagging>');
    const req = await signed("PUT", `/${A()}/keep-me`, { query: { tagging: "" }, body });
    const res = await rawRequest(proxy.url, "PUT", req.target, req.headers, body);
    expect(res.status).toBe(400);
    expect(codeOf(res)).toBe("MalformedXML");
    expect((await admin.send(new GetObjectTaggingCommand({ Bucket: A(), Key: "keep-me" }))).TagSet ?? []).toEqual([]);
  });

  // Class: duplicated parameters (and the repeated query values whose signatures RGW and the proxy computed apart).

  it.each([
    ["uploadId twice", (id: string) => `partNumber=1&uploadId=${encodeURIComponent(id)}&uploadId=other`],
    ["partNumber twice", (id: string) => `partNumber=1&partNumber=2&uploadId=${encodeURIComponent(id)}`],
    ["partNumber twice, once encoded", (id: string) => `partNumber=1&%70artNumber=2&uploadId=${encodeURIComponent(id)}`],
  ])("refuses UploadPart with %s (400, not a 500 from a signature mismatch), and adds no part", async (_name, query) => {
    const created = await admin.send(new CreateMultipartUploadCommand({ Bucket: A(), Key: "dup" }));
    const uploadId = created.UploadId ?? "";
    const body = Buffer.from("part");
    const req = await signed("PUT", `/${A()}/dup`, { query: { partNumber: "1", uploadId }, body, rawQuery: query(uploadId) });
    const res = await rawRequest(proxy.url, "PUT", req.target, req.headers, body);
    expect(res.status).toBe(400);
    expect(codeOf(res)).toBe("InvalidArgument");
    expect(messageOf(res)).toMatch(/^The query parameter '(uploadId|partNumber)' appears more than once; send each parameter once\.$/);
    expect(await uploadParts(admin, A(), "dup", uploadId)).toEqual([]);
  });

  // Signing parity with RGW for client-valid header values.

  it("stores metadata with a tab, runs of spaces and non-ASCII UTF-8 (signed upstream exactly as sent)", async () => {
    const utf8 = "é ü 日本";
    const body = Buffer.from("meta");
    const req = await signed("PUT", `/${A()}/meta`, { headers: { "x-amz-meta-tab": "a\tb", "x-amz-meta-spaces": "  x   y  ", "x-amz-meta-name": utf8 }, body });
    // On the wire the UTF-8 value is its bytes (raw-http writes the head as latin1, one byte per character).
    const wire = req.headers.map(([name, value]): [string, string] => [name, name === "x-amz-meta-name" ? Buffer.from(value, "utf8").toString("latin1") : value]);
    const res = await rawRequest(proxy.url, "PUT", req.target, wire, body);
    expect(res.status, res.body.toString()).toBe(200);
    const head = await admin.send(new HeadObjectCommand({ Bucket: A(), Key: "meta" }));
    expect(head.Metadata?.tab).toBe("a b");
    expect(head.Metadata?.spaces).toBe("x y");
    expect(Buffer.from(head.Metadata?.name ?? "", "latin1").toString("utf8")).toBe(utf8);
  });

  // Class: oversized chunks.

  async function chunkedHead(key: string, decodedLength: number, encodedLength: number): Promise<{ target: string; headers: Headers }> {
    return signed("PUT", `/${A()}/${key}`, {
      payloadHash: "STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
      headers: { "content-encoding": "aws-chunked", "x-amz-decoded-content-length": String(decodedLength) },
      body: Buffer.alloc(encodedLength),
    });
  }

  it("refuses an aws-chunked chunk declared over the 16 MiB limit before reading its data, and stores nothing", async () => {
    const size = 16 * 1024 * 1024 + 1;
    const line = `${size.toString(16)};chunk-signature=${"0".repeat(64)}\r\n`;
    const req = await chunkedHead("huge-chunk", size, line.length + size + 2 + 86);
    const connection = await openRaw(proxy.url, "PUT", req.target, req.headers);
    connection.socket.write(line);
    const res = await connection.nextResponse();
    connection.socket.destroy();
    expect(res.status).toBe(400);
    expect(codeOf(res)).toBe("InvalidRequest");
    expect(messageOf(res)).toBe("Malformed aws-chunked body: a chunk of 16777217 bytes is larger than the 16777216-byte limit.");
    expect(await objectExists(admin, A(), "huge-chunk")).toBe(false);
  });

  it("streams a 16 MiB chunk whose signature is wrong up to RGW, and RGW never commits it", async () => {
    const size = 16 * 1024 * 1024;
    const line = `${size.toString(16)};chunk-signature=${"0".repeat(64)}\r\n`;
    const final = `0;chunk-signature=${"0".repeat(64)}\r\n\r\n`;
    const req = await chunkedHead("bad-big-chunk", size, line.length + size + 2 + final.length);
    const connection = await openRaw(proxy.url, "PUT", req.target, req.headers);
    connection.socket.write(line);
    connection.socket.write(randomBytes(size));
    connection.socket.write(`\r\n${final}`);
    const res = await connection.nextResponse(30_000);
    connection.socket.destroy();
    expect(res.status).toBe(403);
    expect(codeOf(res)).toBe("SignatureDoesNotMatch");
    expect(await objectExists(admin, A(), "bad-big-chunk")).toBe(false);
  });

  // Class: trickling bodies (the proxy under test wants 4096 bytes per 400 ms window).

  it.each([
    ["a body that stalls after its first bytes", async (socket: import("node:net").Socket) => void socket.write(Buffer.alloc(100, 1))],
    ["a body that trickles 10 bytes every 100 ms", async (socket: import("node:net").Socket) => {
      const timer = setInterval(() => (socket.destroyed ? clearInterval(timer) : socket.write(Buffer.alloc(10, 2))), 100);
      socket.once("close", () => clearInterval(timer));
    }],
  ])("cuts off %s with 408 RequestTimeout, and stores nothing", async (_name, send) => {
    const key = `slow-${randomBytes(3).toString("hex")}`;
    const req = await signed("PUT", `/${A()}/${key}`, { body: Buffer.alloc(1_000_000) , payloadHash: "UNSIGNED-PAYLOAD" });
    const connection = await openRaw(proxy.url, "PUT", req.target, req.headers);
    const started = Date.now();
    await send(connection.socket);
    const res = await connection.nextResponse(5_000);
    expect(res.status).toBe(408);
    expect(codeOf(res)).toBe("RequestTimeout");
    expect(Date.now() - started).toBeLessThan(3_000);
    await connection.closed;
    expect(await objectExists(admin, A(), key)).toBe(false);
  });

  // Authorization before the body: Expect: 100-continue.

  it.each([
    ["an unsigned PUT", async (): Promise<{ target: string; headers: Headers }> => ({ target: `/${A()}/expect-anon`, headers: [["host", new URL(proxy.url).host], ["content-length", "1000000"]] }), 403, "AccessDenied", "expect-anon", () => A()],
    ["a signed PUT to a bucket outside the allow-list", () => signed("PUT", `/${other.current.name}/expect-foreign`, { body: Buffer.alloc(1_000_000), payloadHash: "UNSIGNED-PAYLOAD" }), 403, "AccessDenied", "expect-foreign", () => other.current.name],
  ])("answers %s with Expect: 100-continue with the error at once, never 100 Continue, and closes", async (_name, make, status, code, key, bucket) => {
    const req = await make();
    const connection = await openRaw(proxy.url, "PUT", req.target, [...req.headers, ["expect", "100-continue"]]);
    const res = await connection.nextResponse(2_000);
    expect(res.status).toBe(status);
    expect(codeOf(res)).toBe(code);
    await connection.closed;
    expect(await objectExists(admin, bucket(), key)).toBe(false);
  });

  it("answers a signed, allowed PUT with Expect: 100-continue with 100 Continue, then stores it", async () => {
    const body = Buffer.from("invited");
    const req = await signed("PUT", `/${A()}/expect-ok`, { body });
    const connection = await openRaw(proxy.url, "PUT", req.target, [...req.headers, ["expect", "100-continue"]]);
    expect((await connection.nextResponse(2_000)).status).toBe(100);
    connection.socket.write(body);
    expect((await connection.nextResponse()).status).toBe(200);
    connection.socket.destroy();
    expect(await objectExists(admin, A(), "expect-ok")).toBe(true);
  });

  // Error truthfulness.

  it("reports a write whose answer was lost after RGW got all of it as 500 outcome unknown, never 'nothing was stored'", async () => {
    const rgwUrl = new URL(rgw.endpoint);
    const forwarder = await startTcpForwarder({ host: rgwUrl.hostname, port: Number(rgwUrl.port) });
    const viaForwarder = await startProxy({
      ...testProxyOptions(forwarder.endpoint, { S3PROXY_BUCKETS: A() }, []),
      upstreamCredentials: { accessKeyId: rgw.accessKeyId, secretAccessKey: rgw.secretAccessKey },
    });
    try {
      forwarder.resetOnAnswer();
      const body = randomBytes(64 * 1024);
      const req = await signRequest({ endpoint: viaForwarder.url, method: "PUT", path: `/${A()}/answer-lost`, headers: { "content-length": String(body.length) }, credentials: PROXY_CLIENT_CREDENTIALS });
      const res = await rawRequest(viaForwarder.url, "PUT", req.path, Object.entries(req.headers), body);
      expect(forwarder.resets).toBe(1);
      expect(res.status).toBe(500);
      expect(codeOf(res)).toBe("InternalError");
      expect(messageOf(res)).toContain("the outcome is unknown");
      expect(messageOf(res)).not.toMatch(/nothing was (stored|changed)/i);
      // And indeed RGW did store it.
      expect(await objectExists(admin, A(), "answer-lost")).toBe(true);
    } finally {
      await viaForwarder.close(100);
      await forwarder.close();
    }
  });

  it("answers a GET whose answer RGW holds back with 503 after the response timeout, not a wait for the socket", async () => {
    const rgwUrl = new URL(rgw.endpoint);
    const forwarder = await startTcpForwarder({ host: rgwUrl.hostname, port: Number(rgwUrl.port) });
    const viaForwarder = await startProxy({
      ...testProxyOptions(forwarder.endpoint, { S3PROXY_BUCKETS: A(), S3PROXY_UPSTREAM_RESPONSE_TIMEOUT_MS: "300" }, []),
      upstreamCredentials: { accessKeyId: rgw.accessKeyId, secretAccessKey: rgw.secretAccessKey },
    });
    try {
      forwarder.holdAnswers();
      const started = Date.now();
      const req = await signRequest({ endpoint: viaForwarder.url, method: "GET", path: `/${A()}/keep-me`, credentials: PROXY_CLIENT_CREDENTIALS });
      const res = await rawRequest(viaForwarder.url, "GET", req.path, Object.entries(req.headers));
      expect(res.status).toBe(503);
      expect(res.headers["retry-after"]).toBe("1");
      expect(messageOf(res)).toBe("The upstream object store did not answer (UPSTREAM_RESPONSE_TIMEOUT). Nothing was changed; please retry.");
      expect(Date.now() - started).toBeLessThan(3_000);
    } finally {
      await viaForwarder.close(100);
      await forwarder.close();
    }
  });

  it("answers HEAD like GET (500 InternalError) when RGW rejects the proxy's own signature", async () => {
    const misconfigured = await startProxy({
      ...testProxyOptions(rgw.endpoint, { S3PROXY_BUCKETS: A() }, []),
      upstreamCredentials: { accessKeyId: rgw.accessKeyId, secretAccessKey: "not-the-upstream-secret" },
    });
    try {
      const statuses: number[] = [];
      for (const method of ["GET", "HEAD"]) {
        const req = await signRequest({ endpoint: misconfigured.url, method, path: `/${A()}/keep-me`, credentials: PROXY_CLIENT_CREDENTIALS });
        statuses.push((await rawRequest(misconfigured.url, method, req.path, Object.entries(req.headers))).status);
      }
      expect(statuses).toEqual([500, 500]);
    } finally {
      await misconfigured.close(100);
    }
  });
});
