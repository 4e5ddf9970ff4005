import { PassThrough, Readable, Transform, Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { streamChain } from "../../../proxy/src/pipeline/stream-chain.ts";

function collector(): Writable & { readonly chunks: Buffer[] } {
  const chunks: Buffer[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk);
      callback();
    },
  });
  return Object.assign(sink, { chunks });
}

const upper = (): Transform =>
  new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      callback(null, Buffer.from(chunk.toString("utf8").toUpperCase()));
    },
  });

describe("streamChain", () => {
  it("moves every byte through the transforms and resolves when the destination finished", async () => {
    const sink = collector();
    await streamChain(Readable.from([Buffer.from("ab"), Buffer.from("cd")]), [upper(), new PassThrough()], sink);
    expect(Buffer.concat(sink.chunks).toString()).toBe("ABCD");
    expect(sink.writableFinished).toBe(true);
  });

  it("rejects with a transform's error and destroys the source and the destination", async () => {
    const source = new PassThrough();
    const failing = new Transform({
      transform(_chunk, _encoding, callback) {
        callback(new Error("BadDigest"));
      },
    });
    const sink = collector();
    const done = streamChain(source, [failing], sink);
    source.write("x");
    await expect(done).rejects.toThrow("BadDigest");
    expect(source.destroyed).toBe(true);
    expect(sink.destroyed).toBe(true);
    expect(sink.writableFinished).toBe(false);
  });

  it("rejects when the destination closes early (a client abort) and destroys the source", async () => {
    const source = new PassThrough();
    const sink = collector();
    const done = streamChain(source, [], sink);
    source.write("partial");
    sink.destroy();
    await expect(done).rejects.toThrow(/premature close/i);
    expect(source.destroyed).toBe(true);
  });

  it("rejects when the source closes before its end (an upstream that died mid-body)", async () => {
    const source = new PassThrough();
    const sink = collector();
    const done = streamChain(source, [], sink);
    source.write("partial");
    source.destroy(new Error("ECONNRESET"));
    await expect(done).rejects.toThrow("ECONNRESET");
    expect(sink.destroyed).toBe(true);
  });

  it("resolves only once the destination finished, not when the source ended before it", async () => {
    const order: string[] = [];
    let release: (() => void) | undefined;
    const sink = new Writable({
      write(_chunk, _encoding, callback) {
        release = callback;
      },
    });
    sink.once("finish", () => order.push("finish"));
    const source = Readable.from([Buffer.from("a")]);
    source.once("end", () => setImmediate(() => release?.()));
    await streamChain(source, [], sink).then(() => order.push("resolved"));
    expect(order).toEqual(["finish", "resolved"]);
  });
});
