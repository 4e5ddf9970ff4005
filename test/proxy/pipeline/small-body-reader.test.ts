import type http from "node:http";
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { S3Error } from "../../../proxy/src/errors.ts";
import { planChecksums } from "../../../proxy/src/pipeline/checksum-policy.ts";
import { BodyCheck } from "../../../proxy/src/pipeline/request-body.ts";
import { readSmallBody } from "../../../proxy/src/pipeline/small-body.ts";

// readSmallBody reads only the stream side of a request (data, end, error, readableFlowing): a PassThrough written
// piece by piece stands in for the request's body as it arrives from the socket.
const bodyOf = (stream: PassThrough): http.IncomingMessage => stream as unknown as http.IncomingMessage;
const RATE = { bodyTimeoutMs: 60_000, minBodyBytesPerSecond: 0 };
const check = (length: number): BodyCheck => new BodyCheck({ length, sha256Hex: undefined, checksums: planChecksums("PutObject", {}, undefined) });
const aborted = (): Error => new Error("the client went away");

describe("readSmallBody", () => {
  it("joins a body that arrives in several pieces, byte for byte", async () => {
    const stream = new PassThrough();
    const reading = readSmallBody(bodyOf(stream), check(9), RATE, aborted);
    stream.write(Buffer.from("abc"));
    stream.write(Buffer.from("def"));
    stream.end(Buffer.from("ghi"));
    expect((await reading).body.toString()).toBe("abcdefghi");
  });

  it("rejects with the caller's abort error when the request errors (its connection reset) mid-body", async () => {
    const stream = new PassThrough();
    const reading = readSmallBody(bodyOf(stream), check(9), RATE, aborted);
    stream.write(Buffer.from("abc"));
    stream.destroy(new Error("aborted"));
    await expect(reading).rejects.toThrow("the client went away");
  });

  it("stops reading into memory once the body failed a check", async () => {
    const stream = new PassThrough();
    const counting = check(4);
    const reading = readSmallBody(bodyOf(stream), counting, RATE, aborted);
    const failed = reading.catch((error: unknown) => error);
    stream.write(Buffer.from("abcde"));
    const error = await failed;
    expect(error).toBeInstanceOf(S3Error);
    expect((error as S3Error).code).toBe("IncompleteBody");
    const bytesAtFailure = counting.bytes;
    await new Promise<void>((resolve) => stream.write(Buffer.from("more bytes"), () => resolve()));
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(counting.bytes).toBe(bytesAtFailure);
  });
});
