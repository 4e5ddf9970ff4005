import { EventEmitter, once } from "node:events";
import { createServer, request, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Readable, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createChunkedDecoder } from "../../../proxy/src/auth/chunked-decoder.ts";
import { verifyRequest } from "../../../proxy/src/auth/verify-request.ts";
import { S3Error } from "../../../proxy/src/errors.ts";
import { contextOf, signedChunkedBody } from "../../support/aws-chunked.ts";
import { headOf } from "../../support/capture-server.ts";
import { CLIENT_CREDENTIALS, sdkClient } from "../../support/sdk-client.ts";
import { signHead } from "../../support/sign-head.ts";

/** What the server saw: bytes that reached the sink, whether the sink finished, and the error if any. */
interface Outcome {
  readonly bytes: Buffer;
  readonly finished: boolean;
  readonly error: string | undefined;
}

let server: Server;
let endpoint: string;
const outcomes: Promise<Outcome>[] = [];
/** Emits "data" whenever decoded bytes reach a sink. */
const progress = new EventEmitter();

/** The server side of the contract: verify, decode, and only count the body as complete on the sink's finish. */
async function handle(req: IncomingMessage): Promise<Outcome> {
  const verified = verifyRequest(headOf(req), { credentials: CLIENT_CREDENTIALS, now: new Date(), maxClockSkewMs: 900_000 });
  const received: Buffer[] = [];
  let finished = false;
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      received.push(chunk);
      progress.emit("data");
      callback();
    },
    final(callback) {
      finished = true;
      callback();
    },
  });
  try {
    await pipeline(req, createChunkedDecoder(verified), sink);
    return { bytes: Buffer.concat(received), finished, error: undefined };
  } catch (error) {
    return { bytes: Buffer.concat(received), finished, error: error instanceof S3Error ? error.code : (error as Error).name };
  }
}

beforeAll(async () => {
  server = createServer((req, res) => {
    const outcome = handle(req);
    outcomes.push(outcome);
    void outcome.then((o) => {
      res.statusCode = o.error === undefined ? 200 : 400;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe("the decoder behind a real HTTP server (stream.pipeline, as the proxy uses it)", () => {
  it("a stream upload from the SDK arrives decoded and complete", async () => {
    const data = Buffer.alloc(200_000, "s");
    await sdkClient(endpoint).send(new PutObjectCommand({ Bucket: "b", Key: "k", Body: Readable.from([data.subarray(0, 70_000), data.subarray(70_000)]), ContentLength: data.length }));
    const outcome = await outcomes.at(-1)!;
    expect(outcome.error).toBeUndefined();
    expect(outcome.finished).toBe(true);
    expect(outcome.bytes.equals(data)).toBe(true);
  });

  it("a client that disconnects mid-body never produces a finished body", async () => {
    const chunks = [Buffer.alloc(50_000, "1"), Buffer.alloc(50_000, "2"), Buffer.alloc(50_000, "3")];
    const head = await signHead({
      method: "PUT",
      path: "/b/k",
      headers: {
        "x-amz-content-sha256": "STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
        "x-amz-decoded-content-length": "150000",
        "content-encoding": "aws-chunked",
      },
    });
    const verified = verifyRequest(head, { credentials: CLIENT_CREDENTIALS, now: new Date(), maxClockSkewMs: 900_000 });
    const { body } = signedChunkedBody(contextOf(verified), chunks);
    const before = outcomes.length;
    const url = new URL(endpoint);
    const { host: _host, ...headers } = head.headers;
    const client = request({ host: url.hostname, port: url.port, method: "PUT", path: "/b/k", headers: { ...headers, host: "proxy.test", "content-length": body.length } });
    client.on("error", () => undefined);
    const decoding = once(progress, "data");
    client.write(body.subarray(0, 120_000));
    // Disconnect once the server is decoding this body (decoded bytes reached its sink), not after a guessed delay.
    await decoding;
    client.destroy();
    await expect.poll(() => outcomes.length).toBeGreaterThan(before);
    const outcome = await outcomes[before]!;
    expect(outcome.finished).toBe(false);
    expect(outcome.error).toBeDefined();
    expect(outcome.bytes.length).toBeLessThan(150_000);
  });
});
