import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import {
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { Hash } from "@smithy/hash-node";
import { SignatureV4 } from "@smithy/signature-v4";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyRequest } from "../../../proxy/src/auth/verify-request.ts";
import { startCaptureServer, type CaptureServer } from "../../support/capture-server.ts";
import { CLIENT_CREDENTIALS, headOfUrl, sdkClient } from "../../support/sdk-client.ts";

const options = () => ({ credentials: CLIENT_CREDENTIALS, now: new Date(), maxClockSkewMs: 900_000 });

/** Keys that stress path canonicalization: spaces, unicode, slashes, reserved and sub-delim characters. */
const AWKWARD_KEYS = [
  "plain.txt",
  "dir/sub dir/file with spaces.txt",
  "ünïcödé/日本語/emoji-😀.bin",
  "reserved !*'()~$&+,;=:@[]{}^`|.txt",
  "percent%20literal%2Fnot-a-slash",
  "/leading-slash//double-slash/",
  "tilde~and.dot..dot/./..",
];

let server: CaptureServer;
beforeAll(async () => {
  server = await startCaptureServer();
});
afterAll(async () => {
  await server.close();
});

/** Sends `command` with the real SDK and returns what arrived at the capture server. */
async function capture(send: () => Promise<unknown>) {
  const before = server.requests.length;
  await send();
  const request = server.requests[before];
  if (request === undefined) throw new Error("the SDK sent nothing");
  return request;
}

describe("verifyRequest accepts requests signed by the real AWS SDK v3 (header auth)", () => {
  const client = () => sdkClient(server.endpoint);

  for (const key of AWKWARD_KEYS) {
    it(`GetObject of ${JSON.stringify(key)}`, async () => {
      const { head } = await capture(() => client().send(new GetObjectCommand({ Bucket: "bucket", Key: key })));
      const verified = verifyRequest(head, options());
      expect(verified.auth).toBe("header");
      expect(verified.accessKeyId).toBe(CLIENT_CREDENTIALS.accessKeyId);
      expect(verified.signedHeaders).toContain("host");
    });
  }

  it("40 random keys drawn from ASCII punctuation, spaces, unicode and slashes", async () => {
    const alphabet = [..."abcXYZ019 -_.~!*'()$&+,;=:@/?#[]%^`{}|<>\"\\", "ü", "ß", "日", "😀", "\u00a0", "é"];
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const c = client();
    for (let i = 0; i < 40; i++) {
      const key = Array.from({ length: 1 + Math.floor(next() * 24) }, () => alphabet[Math.floor(next() * alphabet.length)]).join("");
      const { head } = await capture(() => c.send(new HeadObjectCommand({ Bucket: "bucket", Key: key })).catch(() => undefined));
      expect(() => verifyRequest(head, options()), JSON.stringify(key)).not.toThrow();
    }
  });

  it("PutObject with a Buffer body signs the body's SHA-256 (payload kind sha256)", async () => {
    const body = Buffer.from("hello, proxy\n".repeat(10));
    const { head } = await capture(() => client().send(new PutObjectCommand({ Bucket: "bucket", Key: "dir/a b.txt", Body: body })));
    const verified = verifyRequest(head, options());
    const expected = createHash("sha256").update(body).digest("hex");
    expect(verified.payload).toEqual({ kind: "sha256", hex: expected });
  });

  it("ListObjectsV2 with special characters in the query", async () => {
    const { head } = await capture(() =>
      client().send(
        new ListObjectsV2Command({ Bucket: "bucket", Prefix: "a b/+&=?#ü/%", StartAfter: "x*y'z(1)!~", Delimiter: "/", MaxKeys: 7 }),
      ),
    );
    expect(head.query).toContain("prefix=");
    expect(verifyRequest(head, options()).payload.kind).toBe("sha256");
  });

  it("HeadObject, DeleteObject, CreateMultipartUpload and UploadPart", async () => {
    const c = client();
    const heads = [
      (await capture(() => c.send(new HeadObjectCommand({ Bucket: "bucket", Key: "k y" })).catch(() => undefined))).head,
      (await capture(() => c.send(new DeleteObjectCommand({ Bucket: "bucket", Key: "k/ü" })))).head,
      (await capture(() => c.send(new CreateMultipartUploadCommand({ Bucket: "bucket", Key: "mpu key", ChecksumAlgorithm: "CRC32" })))).head,
      (
        await capture(() =>
          c.send(
            new UploadPartCommand({ Bucket: "bucket", Key: "mpu key", UploadId: "upload/1+2=3", PartNumber: 1, Body: Buffer.from("part"), ChecksumAlgorithm: "CRC32" }),
          ),
        )
      ).head,
    ];
    for (const head of heads) expect(verifyRequest(head, options()).auth).toBe("header");
  });

  it("a request signed with UNSIGNED-PAYLOAD by @smithy/signature-v4 (payload kind unsigned)", async () => {
    const signer = new SignatureV4({ credentials: CLIENT_CREDENTIALS, region: "eu-central-1", service: "s3", sha256: Hash.bind(null, "sha256"), uriEscapePath: false });
    const signed = await signer.sign({
      method: "PUT",
      protocol: "http:",
      hostname: "127.0.0.1",
      port: 9000,
      path: "/bucket/some%20key",
      query: { partNumber: "2", uploadId: "abc def" },
      headers: { host: "127.0.0.1:9000", "x-amz-content-sha256": "UNSIGNED-PAYLOAD", "content-length": "3" },
    });
    const head = {
      method: "PUT",
      path: "/bucket/some%20key",
      query: "partNumber=2&uploadId=abc%20def",
      headers: Object.fromEntries(Object.entries(signed.headers).map(([k, v]) => [k.toLowerCase(), v])),
    };
    const verified = verifyRequest(head, options());
    expect(verified.payload).toEqual({ kind: "unsigned" });
    expect(verified.scope.region).toBe("eu-central-1");
  });

  it("PutObject with a stream body and WHEN_REQUIRED checksums sends UNSIGNED-PAYLOAD (payload kind unsigned)", async () => {
    const data = Buffer.alloc(100, "x");
    const c = sdkClient(server.endpoint, { requestChecksumCalculation: "WHEN_REQUIRED" });
    const { head } = await capture(() => c.send(new PutObjectCommand({ Bucket: "bucket", Key: "k", Body: Readable.from([data]), ContentLength: data.length })));
    expect(verifyRequest(head, options()).payload).toEqual({ kind: "unsigned" });
  });

  it("PutObject with a stream body sends STREAMING-UNSIGNED-PAYLOAD-TRAILER (payload kind streaming-unsigned-trailer)", async () => {
    const data = Buffer.from("x".repeat(100));
    const { head } = await capture(() =>
      client().send(new PutObjectCommand({ Bucket: "bucket", Key: "stream", Body: Readable.from([data]), ContentLength: data.length })),
    );
    const verified = verifyRequest(head, options());
    expect(verified.payload).toEqual({ kind: "streaming-unsigned-trailer", trailer: "CRC32" });
    expect(verified.decodedContentLength).toBe(100);
  });
});

describe("verifyRequest accepts presigned URLs from @aws-sdk/s3-request-presigner", () => {
  const client = () => sdkClient(server.endpoint);

  for (const key of AWKWARD_KEYS) {
    it(`presigned GET of ${JSON.stringify(key)}`, async () => {
      const url = await getSignedUrl(client(), new GetObjectCommand({ Bucket: "bucket", Key: key }), { expiresIn: 300 });
      const verified = verifyRequest(headOfUrl("GET", url), options());
      expect(verified.auth).toBe("presigned");
      expect(verified.payload).toEqual({ kind: "unsigned" });
      expect(verified.expiresAt!.getTime() - verified.requestTime.getTime()).toBe(300_000);
    });
  }

  it("presigned GET with response-content-disposition containing quotes and spaces", async () => {
    const url = await getSignedUrl(
      client(),
      new GetObjectCommand({ Bucket: "bucket", Key: "report.pdf", ResponseContentDisposition: 'attachment; filename="Q3 report (final).pdf"' }),
    );
    expect(verifyRequest(headOfUrl("GET", url), options()).auth).toBe("presigned");
  });

  it("presigned PUT sent by fetch, as a browser upload does (extra content-type header is unsigned and allowed)", async () => {
    const url = await getSignedUrl(client(), new PutObjectCommand({ Bucket: "bucket", Key: "uploads/ü 1.png" }), { expiresIn: 60 });
    const { head } = await capture(() => fetch(url, { method: "PUT", body: "png bytes", headers: { "content-type": "image/png" } }));
    const verified = verifyRequest(head, options());
    expect(verified.auth).toBe("presigned");
    expect(verified.signedHeaders).toEqual(["host"]);
  });

  it("presigned URL over a non-default region", async () => {
    const url = await getSignedUrl(sdkClient(server.endpoint, { region: "ap-southeast-2" }), new GetObjectCommand({ Bucket: "b", Key: "k" }));
    expect(verifyRequest(headOfUrl("GET", url), options()).scope.region).toBe("ap-southeast-2");
    expect(() => verifyRequest(headOfUrl("GET", url), { ...options(), region: "us-east-1" })).toThrow(
      expect.objectContaining({ code: "AuthorizationQueryParametersError" }),
    );
  });
});
