import { describe, expect, it } from "vitest";
import { createChunkedDecoder } from "../../../proxy/src/auth/chunked-decoder.ts";
import { createChecksum } from "../../../proxy/src/checksum/checksum.ts";
import { contextOf, signedChunkedBody, streamingRequest, unsignedTrailerBody } from "../../support/aws-chunked.ts";
import { S3Error } from "../../../proxy/src/errors.ts";

const CREDENTIALS = { accessKeyId: "AKIDSPLITS", secretAccessKey: "split-secret" };

/** A small deterministic PRNG (mulberry32), so failures reproduce. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Writes `body` in random-sized pieces (1 byte to 300 bytes) and collects the output. */
function decodeInRandomPieces(decoder: ReturnType<typeof createChunkedDecoder>, body: Buffer, next: () => number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const out: Buffer[] = [];
    decoder.on("data", (d: Buffer) => out.push(d));
    decoder.on("end", () => resolve(Buffer.concat(out)));
    decoder.on("error", (error: S3Error) => reject(error));
    for (let i = 0; i < body.length; ) {
      const n = 1 + Math.floor(next() * 300);
      decoder.write(body.subarray(i, i + n));
      i += n;
    }
    decoder.end();
  });
}

describe("createChunkedDecoder parses the same body identically however it is split", () => {
  const next = random(20261123);
  const chunks = Array.from({ length: 6 }, (_, i) => Buffer.from(Array.from({ length: 50 + i * 97 }, (_, j) => (i * 31 + j) & 0xff)));
  const data = Buffer.concat(chunks);

  it("signed chunks with a signed trailer, 40 random splits", async () => {
    const verified = streamingRequest(CREDENTIALS, "20261123T030000Z", "us-east-1", "0".repeat(64), { kind: "streaming-signed-trailer", trailer: "SHA256" }, data.length);
    const { body } = signedChunkedBody(contextOf(verified), chunks, { name: "x-amz-checksum-sha256", value: createChecksum("SHA256").update(data).digestBase64() });
    for (let round = 0; round < 40; round++) {
      expect((await decodeInRandomPieces(createChunkedDecoder(verified), body, next)).equals(data), `round ${round}`).toBe(true);
    }
  });

  it("unsigned chunks with a crc32c trailer, 40 random splits", async () => {
    const verified = streamingRequest(CREDENTIALS, "20261123T030000Z", "us-east-1", "0".repeat(64), { kind: "streaming-unsigned-trailer", trailer: "CRC32C" }, data.length);
    const body = unsignedTrailerBody(chunks, { name: "x-amz-checksum-crc32c", value: createChecksum("CRC32C").update(data).digestBase64() });
    for (let round = 0; round < 40; round++) {
      expect((await decodeInRandomPieces(createChunkedDecoder(verified), body, next)).equals(data), `round ${round}`).toBe(true);
    }
  });

  it("every single flipped byte of a signed body, framing included, is rejected", async () => {
    const small = [Buffer.from("hello "), Buffer.from("world")];
    const total = Buffer.concat(small);
    const verified = streamingRequest(CREDENTIALS, "20261123T030000Z", "us-east-1", "0".repeat(64), { kind: "streaming-signed" }, total.length);
    const { body } = signedChunkedBody(contextOf(verified), small);
    for (let i = 0; i < body.length; i++) {
      const tampered = Buffer.from(body);
      tampered[i] = (tampered[i] as number) ^ 0x01;
      const outcome = await decodeInRandomPieces(createChunkedDecoder(verified), tampered, next).then(
        (output) => ({ output, error: undefined }),
        (error: unknown) => ({ output: undefined, error }),
      );
      expect(outcome.error, `byte ${i} (${JSON.stringify(String.fromCharCode(body[i] as number))})`).toBeInstanceOf(S3Error);
    }
  });
});
