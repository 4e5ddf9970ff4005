import { describe, expect, it } from "vitest";
import { createChunkedDecoder } from "../../../proxy/src/auth/chunked-decoder.ts";
import type { VerifiedRequest } from "../../../proxy/src/auth/types.ts";
import { verifyRequest } from "../../../proxy/src/auth/verify-request.ts";
import { createChecksum } from "../../../proxy/src/checksum/checksum.ts";
import { contextOf, signedChunkedBody, streamingRequest, unsignedTrailerBody } from "../../support/aws-chunked.ts";
import { runDecoder } from "../../support/run-decoder.ts";
import { S3_CHUNKED_EXAMPLE, S3_EXAMPLE, S3_TRAILER_EXAMPLE } from "../../fixtures/sigv4/s3-examples.ts";

const EXAMPLE_CREDENTIALS = { accessKeyId: S3_EXAMPLE.accessKeyId, secretAccessKey: S3_EXAMPLE.secretAccessKey };
const exampleOptions = { credentials: EXAMPLE_CREDENTIALS, now: S3_EXAMPLE.now, maxClockSkewMs: 900_000 };

/** The documented multiple-chunks body: 65536 + 1024 bytes of 'a', then the final chunk. */
function documentedBody(): Buffer {
  const parts: Buffer[] = [];
  S3_CHUNKED_EXAMPLE.chunkSizes.forEach((size, i) => {
    parts.push(Buffer.from(`${size.toString(16)};chunk-signature=${S3_CHUNKED_EXAMPLE.chunkSignatures[i]}\r\n`), Buffer.alloc(size, "a"), Buffer.from("\r\n"));
  });
  return Buffer.concat(parts);
}

function documentedRequest(): VerifiedRequest {
  return verifyRequest(S3_CHUNKED_EXAMPLE.head, exampleOptions);
}

/** A signed streaming request of `chunks` under the example credentials. */
function signedUpload(chunks: readonly Buffer[], kind: "streaming-signed" | "streaming-signed-trailer" = "streaming-signed") {
  const total = chunks.reduce((n, c) => n + c.length, 0);
  const payload = kind === "streaming-signed" ? ({ kind } as const) : ({ kind, trailer: "CRC32" } as const);
  const verified = streamingRequest(EXAMPLE_CREDENTIALS, "20130524T000000Z", "us-east-1", "f".repeat(64), payload, total);
  const data = Buffer.concat(chunks);
  const trailer = kind === "streaming-signed" ? undefined : { name: "x-amz-checksum-crc32", value: createChecksum("CRC32").update(data).digestBase64() };
  return { verified, data, ...signedChunkedBody(contextOf(verified), chunks, trailer) };
}

function unsignedUpload(chunks: readonly Buffer[], value?: string) {
  const data = Buffer.concat(chunks);
  const verified = streamingRequest(EXAMPLE_CREDENTIALS, "20130524T000000Z", "us-east-1", "f".repeat(64), { kind: "streaming-unsigned-trailer", trailer: "CRC32" }, data.length);
  const body = unsignedTrailerBody(chunks, { name: "x-amz-checksum-crc32", value: value ?? createChecksum("CRC32").update(data).digestBase64() });
  return { verified, data, body };
}

const CHUNKS = [Buffer.alloc(8192, "x"), Buffer.alloc(8192, "y"), Buffer.from("tail bytes")];

describe("createChunkedDecoder: documented AWS vectors", () => {
  it("the reference writer reproduces the documented chunk signatures", () => {
    const verified = documentedRequest();
    const { signatures } = signedChunkedBody(contextOf(verified), [Buffer.alloc(65536, "a"), Buffer.alloc(1024, "a")]);
    expect(signatures).toEqual(S3_CHUNKED_EXAMPLE.chunkSignatures);
  });

  it("decodes the documented STREAMING-AWS4-HMAC-SHA256-PAYLOAD upload (66560 bytes of 'a')", async () => {
    const decoder = createChunkedDecoder(documentedRequest());
    const result = await runDecoder(decoder, documentedBody());
    expect(result.error).toBeUndefined();
    expect(result.output.equals(Buffer.alloc(66560, "a"))).toBe(true);
    expect(decoder.decodedBytes).toBe(66560);
    expect(decoder.trailerChecksum).toBeUndefined();
  });

  it("decodes the documented upload fed in 1000-byte and 1-byte pieces", async () => {
    for (const piece of [1000, 1]) {
      const result = await runDecoder(createChunkedDecoder(documentedRequest()), documentedBody(), piece);
      expect(result.error).toBeUndefined();
      expect(result.output.length).toBe(66560);
    }
  });

  it("decodes the documented STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER upload with its crc32c trailer", async () => {
    const verified = streamingRequest(EXAMPLE_CREDENTIALS, "20130524T000000Z", "us-east-1", S3_TRAILER_EXAMPLE.seedSignature, { kind: "streaming-signed-trailer", trailer: "CRC32C" }, 66560);
    const parts: Buffer[] = [];
    S3_TRAILER_EXAMPLE.chunkSizes.forEach((size, i) => {
      parts.push(Buffer.from(`${size.toString(16)};chunk-signature=${S3_TRAILER_EXAMPLE.chunkSignatures[i]}\r\n`), Buffer.alloc(size, "a"));
      if (size > 0) parts.push(Buffer.from("\r\n"));
    });
    const trailer = Buffer.from(`${S3_TRAILER_EXAMPLE.trailer}\r\nx-amz-trailer-signature:${S3_TRAILER_EXAMPLE.trailerSignature}\r\n\r\n`);
    for (const body of [Buffer.concat([...parts, trailer]), Buffer.concat([...parts, Buffer.from("\r\n"), trailer])]) {
      const decoder = createChunkedDecoder(verified);
      const result = await runDecoder(decoder, body, 4096);
      expect(result.error).toBeUndefined();
      expect(result.output.equals(Buffer.alloc(66560, "a"))).toBe(true);
      expect(decoder.trailerChecksum).toEqual({ algorithm: "CRC32C", base64: "sOO8/Q==" });
    }
  });
});

describe("createChunkedDecoder: signed chunks", () => {
  it("decodes a signed upload with a signed crc32 trailer", async () => {
    const { verified, data, body } = signedUpload(CHUNKS, "streaming-signed-trailer");
    const decoder = createChunkedDecoder(verified);
    const result = await runDecoder(decoder, body, 333);
    expect(result.error).toBeUndefined();
    expect(result.output.equals(data)).toBe(true);
    expect(decoder.trailerChecksum?.algorithm).toBe("CRC32");
  });

  it("a tampered chunk never reaches the output", async () => {
    const { verified, data, body } = signedUpload(CHUNKS);
    const tampered = Buffer.from(body);
    const secondChunkData = tampered.indexOf(Buffer.from("yyyy"));
    tampered[secondChunkData + 100] = "z".charCodeAt(0);
    const result = await runDecoder(createChunkedDecoder(verified), tampered);
    expect(result.error?.code).toBe("SignatureDoesNotMatch");
    expect(result.ended).toBe(false);
    expect(result.output.includes(Buffer.from("z"))).toBe(false);
    expect(data.subarray(0, result.output.length).equals(result.output)).toBe(true);
    expect(result.output.length).toBeLessThanOrEqual(CHUNKS[0]!.length);
  });

  it("a tampered first chunk fails at its end, with its last piece still held back", async () => {
    const { verified, body } = signedUpload(CHUNKS);
    const tampered = Buffer.from(body);
    tampered[tampered.indexOf(Buffer.from("xxxx")) + 5] = "!".charCodeAt(0);
    const result = await runDecoder(createChunkedDecoder(verified), tampered, 100);
    expect(result.error?.code).toBe("SignatureDoesNotMatch");
    expect(result.ended).toBe(false);
    // Streamed while hashed (no chunk is buffered whole), but never all of it: the held-back piece stays inside.
    expect(result.output.length).toBeLessThan(CHUNKS[0]!.length);
  });

  it("a bad final-chunk signature never lets the complete body out", async () => {
    const { verified, data, body } = signedUpload(CHUNKS);
    const text = body.toString("latin1");
    const finalAt = text.lastIndexOf("0;chunk-signature=") + "0;chunk-signature=".length;
    const tampered = Buffer.from(body);
    tampered[finalAt] = tampered[finalAt] === 0x30 ? 0x31 : 0x30;
    const result = await runDecoder(createChunkedDecoder(verified), tampered);
    expect(result.error?.code).toBe("SignatureDoesNotMatch");
    expect(result.output.length).toBeLessThan(data.length);
  });

  it("rejects reordered chunks (signatures chain)", async () => {
    const { verified, body } = signedUpload([Buffer.alloc(100, "a"), Buffer.alloc(100, "b")]);
    const text = body.toString("latin1");
    const first = text.slice(0, text.indexOf("\r\n", text.indexOf("aaaa")) + 2);
    const second = text.slice(first.length, text.indexOf("\r\n", text.indexOf("bbbb")) + 2);
    const rest = text.slice(first.length + second.length);
    const result = await runDecoder(createChunkedDecoder(verified), Buffer.from(second + first + rest, "latin1"));
    expect(result.error?.code).toBe("SignatureDoesNotMatch");
    expect(result.output.length).toBe(0);
  });

  it("rejects a chunk signed with another secret", async () => {
    const { verified, body } = signedUpload(CHUNKS);
    const other = { ...verified, signingKey: Buffer.alloc(32, 1) };
    const result = await runDecoder(createChunkedDecoder(other), body);
    expect(result.error?.code).toBe("SignatureDoesNotMatch");
  });

  it("rejects a signed trailer whose checksum was replaced (trailer signature)", async () => {
    const { verified, body } = signedUpload(CHUNKS, "streaming-signed-trailer");
    const text = body.toString("latin1").replace(/x-amz-checksum-crc32:[^\r]+/, "x-amz-checksum-crc32:AAAAAA==");
    const result = await runDecoder(createChunkedDecoder(verified), Buffer.from(text, "latin1"));
    expect(result.error?.code).toBe("SignatureDoesNotMatch");
  });

  it("rejects a signed trailer without x-amz-trailer-signature", async () => {
    const { verified, body } = signedUpload(CHUNKS, "streaming-signed-trailer");
    const text = body.toString("latin1").replace(/x-amz-trailer-signature:[0-9a-f]+\r\n/, "");
    const result = await runDecoder(createChunkedDecoder(verified), Buffer.from(text, "latin1"));
    expect(result.error?.code).toBe("InvalidRequest");
  });

  it("rejects a signed chunk without a chunk-signature", async () => {
    const { verified } = signedUpload(CHUNKS);
    const result = await runDecoder(createChunkedDecoder(verified), Buffer.from("4\r\nabcd\r\n0\r\n\r\n"));
    expect(result.error?.code).toBe("InvalidRequest");
    expect(result.error?.message).toMatch(/chunk-signature/);
  });

  it("rejects a chunk larger than maxChunkBytes before reading its data", async () => {
    const { verified, body } = signedUpload([Buffer.alloc(4096, "a")]);
    const decoder = createChunkedDecoder(verified, { maxChunkBytes: 1024 });
    const result = await runDecoder(decoder, body);
    expect(result.error?.code).toBe("InvalidRequest");
    expect(result.error?.message).toMatch(/larger than the 1024-byte limit/);
    expect(decoder.decodedBytes).toBe(0);
  });

  it("rejects a default 16 MiB + 1 byte chunk from its size line alone", async () => {
    const { verified } = signedUpload([Buffer.alloc(1)]);
    const big = { ...verified, decodedContentLength: 32 * 1024 * 1024 };
    const result = await runDecoder(createChunkedDecoder(big), Buffer.from(`1000001;chunk-signature=${"0".repeat(64)}\r\n`));
    expect(result.error?.message).toMatch(/16777216-byte limit/);
  });
});

describe("createChunkedDecoder: length and framing", () => {
  it("rejects a body truncated in the middle of a chunk (IncompleteBody), never emitting all of it", async () => {
    const { verified, data, body } = signedUpload(CHUNKS);
    const result = await runDecoder(createChunkedDecoder(verified), body.subarray(0, body.length - 200));
    expect(result.error?.code).toBe("IncompleteBody");
    expect(result.output.length).toBeLessThan(data.length);
  });

  it("rejects a body that stops before its final chunk", async () => {
    const { verified, body } = unsignedUpload(CHUNKS);
    const text = body.toString("latin1");
    const result = await runDecoder(createChunkedDecoder(verified), Buffer.from(text.slice(0, text.lastIndexOf("0\r\n")), "latin1"));
    expect(result.error?.code).toBe("IncompleteBody");
  });

  it("rejects a body shorter than x-amz-decoded-content-length", async () => {
    const { verified, body } = signedUpload(CHUNKS);
    const result = await runDecoder(createChunkedDecoder({ ...verified, decodedContentLength: (verified.decodedContentLength ?? 0) + 1 }), body);
    expect(result.error?.code).toBe("IncompleteBody");
    expect(result.ended).toBe(false);
  });

  it("rejects a body longer than x-amz-decoded-content-length as soon as the chunk header says so", async () => {
    const { verified, body } = signedUpload(CHUNKS);
    const decoder = createChunkedDecoder({ ...verified, decodedContentLength: 100 });
    const result = await runDecoder(decoder, body);
    expect(result.error?.code).toBe("IncompleteBody");
    expect(result.error?.message).toMatch(/more than the 100 bytes/);
    expect(decoder.decodedBytes).toBe(0);
  });

  it("rejects chunk data not followed by CRLF (a lying chunk size)", async () => {
    const { verified } = unsignedUpload([Buffer.from("abcd")]);
    const result = await runDecoder(createChunkedDecoder(verified), Buffer.from("3\r\nabcd\r\n0\r\n\r\n"));
    expect(result.error?.code).toBe("InvalidRequest");
  });

  it("rejects a size line that is not hex, and lines without CR", async () => {
    const { verified } = unsignedUpload([Buffer.from("abcd")]);
    for (const body of ["zz\r\nabcd\r\n0\r\n\r\n", "4\nabcd\r\n0\r\n\r\n", " 4\r\nabcd\r\n"]) {
      const result = await runDecoder(createChunkedDecoder(verified), Buffer.from(body));
      expect(result.error?.code, body).toBe("InvalidRequest");
    }
  });

  it("rejects an endless chunk header line (bounded line buffer)", async () => {
    const { verified } = unsignedUpload([Buffer.from("abcd")]);
    const result = await runDecoder(createChunkedDecoder(verified), Buffer.alloc(10_000, "1"), 512);
    expect(result.error?.code).toBe("InvalidRequest");
    expect(result.error?.message).toMatch(/longer than 4096 bytes/);
  });

  it("rejects data after the end of the body", async () => {
    const { verified, body } = signedUpload(CHUNKS);
    const result = await runDecoder(createChunkedDecoder(verified), Buffer.concat([body, Buffer.from("extra")]));
    expect(result.error?.code).toBe("InvalidRequest");
    expect(result.error?.message).toMatch(/after the end/);
  });

  it("accepts a body without trailer that ends right after the final chunk line", async () => {
    const { verified, data, body } = signedUpload(CHUNKS);
    const result = await runDecoder(createChunkedDecoder(verified), body.subarray(0, body.length - 2));
    expect(result.error).toBeUndefined();
    expect(result.output.equals(data)).toBe(true);
  });

  it("decodes an empty body (only the final chunk)", async () => {
    const { verified, body } = signedUpload([]);
    const result = await runDecoder(createChunkedDecoder(verified), body);
    expect(result.error).toBeUndefined();
    expect(result.output.length).toBe(0);
  });

  it("refuses to decode a non-streaming payload", () => {
    const { verified } = signedUpload(CHUNKS);
    expect(() => createChunkedDecoder({ ...verified, payload: { kind: "unsigned" }, decodedContentLength: undefined })).toThrow(
      expect.objectContaining({ code: "InternalError" }),
    );
  });
});

describe("createChunkedDecoder: unsigned payload with checksum trailer", () => {
  it("decodes and verifies the crc32 trailer", async () => {
    const { verified, data, body } = unsignedUpload(CHUNKS);
    const decoder = createChunkedDecoder(verified);
    const result = await runDecoder(decoder, body, 7);
    expect(result.error).toBeUndefined();
    expect(result.output.equals(data)).toBe(true);
    expect(decoder.trailerChecksum).toEqual({ algorithm: "CRC32", base64: createChecksum("CRC32").update(data).digestBase64() });
  });

  it("a body with a wrong trailer checksum never reaches the output complete (BadDigest)", async () => {
    const { verified, data, body } = unsignedUpload(CHUNKS, "AAAAAA==");
    const result = await runDecoder(createChunkedDecoder(verified), body);
    expect(result.error?.code).toBe("BadDigest");
    expect(result.output.length).toBeLessThan(data.length);
  });

  it("a flipped data byte is caught by the trailer checksum", async () => {
    const { verified, data, body } = unsignedUpload(CHUNKS);
    const tampered = Buffer.from(body);
    tampered[tampered.indexOf(Buffer.from("yyyy")) + 1] = "Y".charCodeAt(0);
    const result = await runDecoder(createChunkedDecoder(verified), tampered);
    expect(result.error?.code).toBe("BadDigest");
    expect(result.output.length).toBeLessThan(data.length);
  });

  it("rejects a missing trailer, an unannounced trailer and a repeated trailer", async () => {
    const { verified } = unsignedUpload([Buffer.from("abcd")]);
    const cases: readonly [string, RegExp][] = [
      ["4\r\nabcd\r\n0\r\n\r\n", /is missing/],
      ["4\r\nabcd\r\n0\r\nx-amz-checksum-sha256:AAAA\r\n\r\n", /not announced/],
      ["4\r\nabcd\r\n0\r\nx-amz-checksum-crc32:AAAAAA==\r\nx-amz-checksum-crc32:AAAAAA==\r\n\r\n", /more than once/],
      ["4\r\nabcd\r\n0\r\nno colon here\r\n\r\n", /name:value/],
    ];
    for (const [body, message] of cases) {
      const result = await runDecoder(createChunkedDecoder(verified), Buffer.from(body));
      expect(result.error?.code, body).toBe("InvalidRequest");
      expect(result.error?.message).toMatch(message);
    }
  });

  it("streams: earlier chunks come out before the body ends, the last piece only after verification", async () => {
    const { verified, body } = unsignedUpload(CHUNKS);
    const decoder = createChunkedDecoder(verified);
    const seen: number[] = [];
    decoder.on("data", (d: Buffer) => seen.push(d.length));
    const cut = body.indexOf(Buffer.from("tail bytes"));
    decoder.write(body.subarray(0, cut));
    await new Promise((resolve) => setImmediate(resolve));
    expect(seen.reduce((a, b) => a + b, 0)).toBe(CHUNKS[0]!.length);
    const ended = new Promise((resolve) => decoder.on("end", resolve));
    decoder.end(body.subarray(cut));
    await ended;
    expect(seen.reduce((a, b) => a + b, 0)).toBe(CHUNKS.reduce((n, c) => n + c.length, 0));
  });
});

describe("createChunkedDecoder: after a failure", () => {
  it("never ends normally, even if the caller keeps writing and ends it", async () => {
    const { verified, body } = signedUpload(CHUNKS);
    const tampered = Buffer.from(body);
    tampered[tampered.indexOf(Buffer.from("xxxx"))] = "!".charCodeAt(0);
    const decoder = createChunkedDecoder(verified);
    const errors: unknown[] = [];
    let ended = false;
    decoder.on("error", (error) => errors.push(error));
    decoder.on("end", () => {
      ended = true;
    });
    decoder.resume();
    const closed = new Promise((resolve) => decoder.once("close", resolve));
    decoder.write(tampered);
    decoder.write(Buffer.from("more"));
    decoder.end();
    // 'close' is the stream's last event: after it, 'end' can no longer come.
    await closed;
    expect(ended).toBe(false);
    expect(errors[0]).toMatchObject({ code: "SignatureDoesNotMatch" });
  });
});

describe("createChunkedDecoder: edges found by the mutation review", () => {
  const crc32Of = (text: string) => createChecksum("CRC32").update(Buffer.from(text)).digestBase64();

  it("refuses every non-streaming payload, and a streaming one without a decoded length, naming the mode", () => {
    const { verified } = signedUpload(CHUNKS);
    const cases: readonly [VerifiedRequest, string][] = [
      [{ ...verified, payload: { kind: "unsigned" }, decodedContentLength: 10 }, "unsigned"],
      [{ ...verified, payload: { kind: "sha256", hex: "0".repeat(64) }, decodedContentLength: 10 }, "sha256"],
      [{ ...verified, decodedContentLength: undefined }, "streaming-signed"],
    ];
    for (const [request, kind] of cases) {
      expect(() => createChunkedDecoder(request), kind).toThrow(
        expect.objectContaining({ code: "InternalError", message: `createChunkedDecoder needs a streaming payload mode, not '${kind}'.` }),
      );
    }
  });

  it("says a chunk's data is not followed by CRLF, whether the CR or the LF is missing", async () => {
    const { verified } = unsignedUpload([Buffer.from("abcd")]);
    for (const body of ["4\r\nabcdX\n0\r\n\r\n", "4\r\nabcd\rX0\r\n\r\n"]) {
      const result = await runDecoder(createChunkedDecoder(verified), Buffer.from(body));
      expect(result.error?.message, body).toBe("Malformed aws-chunked body: chunk data is not followed by CRLF (is the chunk size right?).");
    }
  });

  it("says a line does not end with CRLF", async () => {
    const { verified } = unsignedUpload([Buffer.from("abcd")]);
    const result = await runDecoder(createChunkedDecoder(verified), Buffer.from("4\nabcd\r\n0\r\n\r\n"));
    expect(result.error?.message).toBe("Malformed aws-chunked body: a line does not end with CRLF.");
  });

  it("accepts a line of exactly 4096 bytes and refuses one of 4097", async () => {
    const { verified, data } = unsignedUpload([Buffer.from("abcd")]);
    const tail = `0\r\nx-amz-checksum-crc32:${crc32Of("abcd")}\r\n\r\n`;
    const sizeLine = (bytes: number) => `4;${"e".repeat(bytes - 4)}\r\n`;
    expect(sizeLine(4096).length).toBe(4096);
    const ok = await runDecoder(createChunkedDecoder(verified), Buffer.from(`${sizeLine(4096)}abcd\r\n${tail}`));
    expect(ok.error).toBeUndefined();
    expect(ok.output.equals(data)).toBe(true);
    const tooLong = await runDecoder(createChunkedDecoder(verified), Buffer.from(`${sizeLine(4097)}abcd\r\n${tail}`));
    expect(tooLong.error?.message).toBe("Malformed aws-chunked body: a chunk header or trailer line is longer than 4096 bytes.");
  });

  it("accepts a signed chunk of exactly maxChunkBytes", async () => {
    const { verified, data, body } = signedUpload([Buffer.alloc(1024, "a")]);
    const result = await runDecoder(createChunkedDecoder(verified, { maxChunkBytes: 1024 }), body);
    expect(result.error).toBeUndefined();
    expect(result.output.equals(data)).toBe(true);
  });

  it("says which signature failed: a chunk's or the trailer's", async () => {
    const { verified, body } = signedUpload(CHUNKS, "streaming-signed-trailer");
    const tampered = Buffer.from(body);
    tampered[tampered.indexOf(Buffer.from("xxxx"))] = "!".charCodeAt(0);
    const chunk = await runDecoder(createChunkedDecoder(verified), tampered);
    expect(chunk.error?.message).toBe("The chunk signature we calculated does not match the signature you provided.");
    const text = body.toString("latin1").replace(/x-amz-checksum-crc32:[^\r]+/, "x-amz-checksum-crc32:AAAAAA==");
    const trailer = await runDecoder(createChunkedDecoder(verified), Buffer.from(text, "latin1"));
    expect(trailer.error?.message).toBe("The trailer signature we calculated does not match the signature you provided.");
    const unsignedTrailer = body.toString("latin1").replace(/x-amz-trailer-signature:[0-9a-f]+\r\n/, "");
    const missing = await runDecoder(createChunkedDecoder(verified), Buffer.from(unsignedTrailer, "latin1"));
    expect(missing.error?.message).toBe("Malformed aws-chunked body: the x-amz-trailer-signature trailer is missing.");
  });

  it("refuses a trailer line not announced, even in a signed trailer body", async () => {
    const { verified, body } = signedUpload(CHUNKS, "streaming-signed-trailer");
    const text = body.toString("latin1").replace("x-amz-trailer-signature:", "x-amz-meta-owner:mallory\r\nx-amz-trailer-signature:");
    const result = await runDecoder(createChunkedDecoder(verified), Buffer.from(text, "latin1"));
    expect(result.error?.message).toBe("Malformed aws-chunked body: trailer 'x-amz-meta-owner' was not announced in x-amz-trailer.");
  });

  it("refuses any trailer after a body that announced none, naming it", async () => {
    const { verified, body } = signedUpload(CHUNKS);
    const withTrailer = Buffer.concat([body.subarray(0, body.length - 2), Buffer.from("x-amz-checksum-crc32:AAAAAA==\r\n\r\n")]);
    const result = await runDecoder(createChunkedDecoder(verified), withTrailer);
    expect(result.error?.message).toBe("Malformed aws-chunked body: unexpected trailer 'x-amz-checksum-crc32' (no x-amz-trailer was announced).");
  });

  it("quotes at most 100 characters of a trailer line that is not name:value, and refuses an empty name", async () => {
    const { verified } = unsignedUpload([Buffer.from("abcd")]);
    const long = "n".repeat(150);
    for (const [line, quoted] of [[long, long.slice(0, 100)], [":AAAAAA==", ":AAAAAA=="]] as const) {
      const result = await runDecoder(createChunkedDecoder(verified), Buffer.from(`4\r\nabcd\r\n0\r\n${line}\r\n\r\n`));
      expect(result.error?.message).toBe(`Malformed aws-chunked body: trailer line '${quoted}' is not name:value.`);
    }
  });

  it("reads a trailer with white space around its name and value", async () => {
    const { verified, data } = unsignedUpload([Buffer.from("abcd")]);
    const decoder = createChunkedDecoder(verified);
    const result = await runDecoder(decoder, Buffer.from(`4\r\nabcd\r\n0\r\n x-amz-checksum-crc32 : ${crc32Of("abcd")} \r\n\r\n`));
    expect(result.error).toBeUndefined();
    expect(result.output.equals(data)).toBe(true);
    expect(decoder.trailerChecksum).toEqual({ algorithm: "CRC32", base64: crc32Of("abcd") });
  });

  it("says how many bytes arrived when a body ends early or carries fewer than declared", async () => {
    const { verified, body } = signedUpload(CHUNKS);
    const early = await runDecoder(createChunkedDecoder(verified), body.subarray(0, 100));
    expect(early.error?.message).toMatch(/^The aws-chunked body ended early: \d+ of 16394 decoded bytes and no final chunk\.$/);
    const short = await runDecoder(createChunkedDecoder({ ...verified, decodedContentLength: 16395 }), body);
    expect(short.error?.message).toBe("The aws-chunked body carries 16394 bytes, x-amz-decoded-content-length says 16395.");
  });

  it("refuses a body cut inside the line after the final chunk (no trailer announced)", async () => {
    const { verified, body } = signedUpload(CHUNKS);
    const result = await runDecoder(createChunkedDecoder(verified), body.subarray(0, body.length - 1));
    expect(result.error?.code).toBe("IncompleteBody");
    expect(result.ended).toBe(false);
  });

  it("refuses a trailer body that ends right after the final chunk, or after its trailer line without the closing blank line", async () => {
    const { verified } = unsignedUpload([Buffer.from("abcd")]);
    const trailerLine = `x-amz-checksum-crc32:${crc32Of("abcd")}\r\n`;
    for (const body of ["4\r\nabcd\r\n0\r\n", `4\r\nabcd\r\n0\r\n\r\n${trailerLine}`]) {
      const result = await runDecoder(createChunkedDecoder(verified), Buffer.from(body));
      expect(result.error?.code, body).toBe("IncompleteBody");
      expect(result.error?.message).toMatch(/ended early/);
    }
  });

  it("says a trailer checksum does not match, naming the trailer", async () => {
    const { verified, body } = unsignedUpload(CHUNKS, "AAAAAA==");
    const result = await runDecoder(createChunkedDecoder(verified), body);
    expect(result.error?.message).toBe("The x-amz-checksum-crc32 you specified did not match the checksum of the body we received.");
  });

  it("keeps failing when its _transform or _flush is called again after a failure, whichever step failed", async () => {
    const { verified, body } = signedUpload(CHUNKS);
    const tampered = Buffer.from(body);
    tampered[tampered.indexOf(Buffer.from("xxxx"))] = "!".charCodeAt(0);
    const failures: readonly [string, Buffer, number | undefined][] = [
      ["a chunk signature", tampered, undefined],
      ["the final length", body.subarray(0, body.length - 2), 16395],
      ["a truncated body", body.subarray(0, 100), undefined],
    ];
    for (const [what, input, declared] of failures) {
      const decoder = createChunkedDecoder(declared === undefined ? verified : { ...verified, decodedContentLength: declared });
      const first = await runDecoder(decoder, input);
      expect(first.error, what).toBeDefined();
      const again = (call: (callback: (error?: Error | null) => void) => void) =>
        new Promise<Error | null | undefined>((resolve) => call((error) => resolve(error)));
      const transformed = await again((callback) => decoder._transform(Buffer.from("0\r\n\r\n"), "latin1", callback));
      const flushed = await again((callback) => decoder._flush(callback));
      for (const error of [transformed, flushed]) {
        expect(error, what).toMatchObject({ code: "InvalidRequest", message: "Malformed aws-chunked body: the body already failed verification." });
      }
    }
  });
});
