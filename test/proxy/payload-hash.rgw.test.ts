/**
 * Payload-hash pass-through (issue 12) against a REAL Ceph RGW: a body signed with its hex SHA-256 goes upstream
 * under the client's own hash (the proxy does not hash it again), and RGW refuses a body that does not match it
 * before storing anything. Every check reads the store directly with the AWS SDK, never through the proxy.
 */
import { createHash, randomBytes } from "node:crypto";
import { crc32 } from "node:zlib";
import { CreateMultipartUploadCommand, GetObjectCommand } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startProxy, type RunningProxy } from "../../proxy/src/index.ts";
import { PROXY_CLIENT_CREDENTIALS, testProxyOptions } from "../support/proxy-fixture.ts";
import { signedSend, type RawResponse } from "../support/proxy-signer.ts";
import { adminS3Client, describeWithRgw, useTestBucket } from "../support/rgw.ts";
import { objectExists, uploadParts } from "../support/s3-state.ts";

const sha256Hex = (data: Buffer): string => createHash("sha256").update(data).digest("hex");
const crc32b64 = (data: Buffer): string => {
  const digest = Buffer.alloc(4);
  digest.writeUInt32BE(crc32(data) >>> 0);
  return digest.toString("base64");
};
const codeOf = (res: RawResponse): string | undefined => /<Code>([^<]*)<\/Code>/.exec(res.body.toString())?.[1];

describeWithRgw("signed payload hashes are verified by RGW, and a body that does not match is never stored", (rgw) => {
  const bucket = useTestBucket("payload-hash");
  const admin = adminS3Client(rgw);
  let proxy: RunningProxy;
  const B = (): string => bucket.current.name;
  /** The body that was signed, and the one an attacker (or a corrupting hop) sends in its place: same length. */
  const signedBody = randomBytes(1024 * 1024);
  const swappedBody = Buffer.from(signedBody);
  swappedBody[swappedBody.length - 1] ^= 0xff;

  beforeAll(async () => {
    proxy = await startProxy({
      ...testProxyOptions(rgw.endpoint, { S3PROXY_BUCKETS: B() }, []),
      upstreamCredentials: { accessKeyId: rgw.accessKeyId, secretAccessKey: rgw.secretAccessKey },
    });
  });
  afterAll(async () => {
    await proxy?.close(100);
  });

  const put = (path: string, body: Buffer, options: { query?: Record<string, string>; headers?: Record<string, string> } = {}): Promise<RawResponse> =>
    signedSend({ endpoint: proxy.url, method: "PUT", path, body, payloadHash: sha256Hex(signedBody), credentials: PROXY_CLIENT_CREDENTIALS, ...options });

  it("stores a body that matches its signed SHA-256, byte for byte", async () => {
    const res = await put(`/${B()}/matching`, signedBody);
    expect(res.status).toBe(200);
    const stored = await admin.send(new GetObjectCommand({ Bucket: B(), Key: "matching" }));
    expect(Buffer.from(await (stored.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray())).toEqual(signedBody);
  });

  it("a body swapped for another of the same length after signing (PutObject): 400 XAmzContentSHA256Mismatch, RGW stores nothing", async () => {
    const res = await put(`/${B()}/swapped`, swappedBody);
    expect(res.status).toBe(400);
    expect(codeOf(res)).toBe("XAmzContentSHA256Mismatch");
    expect(res.body.toString()).toContain("<Message>The provided &apos;x-amz-content-sha256&apos; header does not match what was computed.</Message>");
    expect(await objectExists(admin, B(), "swapped")).toBe(false);
  });

  it("a swapped body carrying a CRC32 that matches it (the proxy's own check passes): still refused by RGW, nothing stored", async () => {
    const res = await put(`/${B()}/swapped-crc`, swappedBody, { headers: { "x-amz-checksum-crc32": crc32b64(swappedBody) } });
    expect(res.status).toBe(400);
    expect(codeOf(res)).toBe("XAmzContentSHA256Mismatch");
    expect(await objectExists(admin, B(), "swapped-crc")).toBe(false);
  });

  it("a body swapped after signing (UploadPart): 400 XAmzContentSHA256Mismatch, the upload gets no part", async () => {
    const created = await admin.send(new CreateMultipartUploadCommand({ Bucket: B(), Key: "parts" }));
    const uploadId = created.UploadId ?? "";
    const bad = await put(`/${B()}/parts`, swappedBody, { query: { partNumber: "1", uploadId } });
    expect(bad.status).toBe(400);
    expect(codeOf(bad)).toBe("XAmzContentSHA256Mismatch");
    expect(await uploadParts(admin, B(), "parts", uploadId)).toEqual([]);
    const good = await put(`/${B()}/parts`, signedBody, { query: { partNumber: "1", uploadId } });
    expect(good.status).toBe(200);
    expect(await uploadParts(admin, B(), "parts", uploadId)).toEqual([1]);
  });

  it("answers the client's checksum from the verified payload hash: x-amz-checksum-sha256 equal to it is reported, not recomputed", async () => {
    const base64 = Buffer.from(sha256Hex(signedBody), "hex").toString("base64");
    const res = await put(`/${B()}/sha256-checksum`, signedBody, { headers: { "x-amz-checksum-sha256": base64 } });
    expect(res.status).toBe(200);
    expect(res.headers["x-amz-checksum-sha256"]).toBe(base64);
    const bad = await put(`/${B()}/sha256-checksum-bad`, swappedBody, { headers: { "x-amz-checksum-sha256": base64 } });
    expect(codeOf(bad)).toBe("XAmzContentSHA256Mismatch");
    expect(await objectExists(admin, B(), "sha256-checksum-bad")).toBe(false);
  });
});
