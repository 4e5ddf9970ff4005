import { Readable } from "node:stream";
import { PutObjectCommand, UploadPartCommand } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createChunkedDecoder } from "../../../proxy/src/auth/chunked-decoder.ts";
import { verifyRequest } from "../../../proxy/src/auth/verify-request.ts";
import type { ChecksumAlgorithm } from "../../../proxy/src/checksum/algorithms.ts";
import { createChecksum } from "../../../proxy/src/checksum/checksum.ts";
import { startCaptureServer, type CaptureServer } from "../../support/capture-server.ts";
import { runDecoder } from "../../support/run-decoder.ts";
import { CLIENT_CREDENTIALS, sdkClient } from "../../support/sdk-client.ts";

const options = () => ({ credentials: CLIENT_CREDENTIALS, now: new Date(), maxClockSkewMs: 900_000 });

let server: CaptureServer;
beforeAll(async () => {
  server = await startCaptureServer();
});
afterAll(async () => {
  await server.close();
});

/** Pieces of varying sizes, so the SDK writes several chunks. */
function pieces(): Buffer[] {
  return [Buffer.alloc(10_000, "a"), Buffer.alloc(1, "b"), Buffer.from("ünïcödé ✓".repeat(300)), Buffer.alloc(70_000, "c")];
}

async function captured(send: () => Promise<unknown>) {
  const before = server.requests.length;
  await send();
  const request = server.requests[before];
  if (request === undefined) throw new Error("the SDK sent nothing");
  return request;
}

describe("createChunkedDecoder decodes aws-chunked bodies written by the real AWS SDK v3", () => {
  const algorithms: readonly (ChecksumAlgorithm | undefined)[] = [undefined, "CRC32", "CRC32C", "SHA1", "SHA256"];
  for (const algorithm of algorithms) {
    it(`PutObject with a stream body and ${algorithm ?? "the default"} checksum (STREAMING-UNSIGNED-PAYLOAD-TRAILER)`, async () => {
      const data = Buffer.concat(pieces());
      const { head, body } = await captured(() =>
        sdkClient(server.endpoint).send(
          new PutObjectCommand({ Bucket: "bucket", Key: "dir/stream ü.bin", Body: Readable.from(pieces()), ContentLength: data.length, ChecksumAlgorithm: algorithm }),
        ),
      );
      expect(head.headers["content-encoding"]).toContain("aws-chunked");
      const verified = verifyRequest(head, options());
      const expectedAlgorithm = algorithm ?? "CRC32";
      expect(verified.payload).toEqual({ kind: "streaming-unsigned-trailer", trailer: expectedAlgorithm });
      const decoder = createChunkedDecoder(verified);
      const result = await runDecoder(decoder, body, 1500);
      expect(result.error).toBeUndefined();
      expect(result.output.equals(data)).toBe(true);
      expect(decoder.trailerChecksum).toEqual({ algorithm: expectedAlgorithm, base64: createChecksum(expectedAlgorithm).update(data).digestBase64() });
    });
  }

  it("UploadPart with a stream body and CRC32 (Convex-like part with the checksum in the trailer)", async () => {
    const data = Buffer.alloc(300_000, "p");
    const { head, body } = await captured(() =>
      sdkClient(server.endpoint).send(
        new UploadPartCommand({ Bucket: "bucket", Key: "mpu", UploadId: "u-1", PartNumber: 3, Body: Readable.from([data]), ContentLength: data.length, ChecksumAlgorithm: "CRC32" }),
      ),
    );
    const decoder = createChunkedDecoder(verifyRequest(head, options()));
    const result = await runDecoder(decoder, body);
    expect(result.error).toBeUndefined();
    expect(result.output.length).toBe(data.length);
  });

  it("a body whose trailer checksum was altered in transit fails with BadDigest and is never complete", async () => {
    const data = Buffer.concat(pieces());
    const { head, body } = await captured(() =>
      sdkClient(server.endpoint).send(new PutObjectCommand({ Bucket: "bucket", Key: "k", Body: Readable.from(pieces()), ContentLength: data.length })),
    );
    const text = body.toString("latin1").replace(/x-amz-checksum-crc32:[^\r]+/, "x-amz-checksum-crc32:AAAAAA==");
    const result = await runDecoder(createChunkedDecoder(verifyRequest(head, options())), Buffer.from(text, "latin1"));
    expect(result.error?.code).toBe("BadDigest");
    expect(result.output.length).toBeLessThan(data.length);
  });
});
