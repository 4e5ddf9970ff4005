import net from "node:net";
import { crc32 } from "node:zlib";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { readsWhole, SMALL_BODY_BYTES } from "../../../proxy/src/pipeline/small-body.ts";
import { PROXY_CLIENT_CREDENTIALS, TEST_BUCKET, startProxyFixture, type ProxyFixture } from "../../support/proxy-fixture.ts";
import { signRequest, signedSend } from "../../support/proxy-signer.ts";
import { until } from "../../support/until.ts";

/** The base64 CRC32 of `data`, computed with zlib here, not with the proxy's checksum code. */
const crc32Base64 = (data: Buffer): string => {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(crc32(data) >>> 0);
  return out.toString("base64");
};

let fx: ProxyFixture;
beforeEach(async () => {
  fx = await startProxyFixture({ S3PROXY_BODY_TIMEOUT_MS: "300" });
});
afterEach(async () => {
  await fx.close();
});

/** Opens a raw connection and writes the signed head of a PUT of `length` bytes with `headers`; no body yet. */
async function openRawPut(path: string, length: number, headers: Record<string, string> = {}): Promise<net.Socket> {
  const signed = await signRequest({ endpoint: fx.proxy.url, method: "PUT", path, credentials: PROXY_CLIENT_CREDENTIALS, headers: { ...headers, "content-length": String(length) } });
  const socket = net.connect(fx.proxy.port, "127.0.0.1");
  await new Promise<void>((resolve) => socket.once("connect", () => resolve()));
  socket.write([`PUT ${signed.path} HTTP/1.1`, ...Object.entries(signed.headers).map(([k, v]) => `${k}: ${v}`), "", ""].join("\r\n"));
  return socket;
}

/** The status line of the first response on `socket`. */
function statusLine(socket: net.Socket): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = "";
    socket.on("data", (chunk: Buffer) => {
      text += chunk.toString("latin1");
      if (text.includes("\r\n")) resolve(text.slice(0, text.indexOf("\r\n")));
    });
    socket.once("close", () => reject(new Error(`the connection closed after '${text}'`)));
  });
}

/** Waits until the proxy logged its line for the request (it is done with it), then until every upstream connection closed. */
async function proxyDone(predicate: (entry: Record<string, unknown>) => boolean): Promise<void> {
  await fx.waitForLog((entry) => predicate(entry as Record<string, unknown>));
  await fx.upstream.quiesce();
}

describe("small bodies are read whole before the upstream request opens", () => {
  it("reads bodies up to 64 KiB whole and streams larger ones", () => {
    expect(SMALL_BODY_BYTES).toBe(65_536);
    expect(readsWhole(0)).toBe(true);
    expect(readsWhole(65_536)).toBe(true);
    expect(readsWhole(65_537)).toBe(false);
  });

  it("a 1 KiB PutObject arrives upstream whole, with its length, and the response carries its CRC32", async () => {
    const body = Buffer.from("a small object ".repeat(70).slice(0, 1024));
    const res = await signedSend({ endpoint: fx.proxy.url, method: "PUT", path: `/${TEST_BUCKET}/small`, body, headers: { "x-amz-checksum-crc32": crc32Base64(body) }, credentials: PROXY_CLIENT_CREDENTIALS });
    expect(res.status).toBe(200);
    expect(res.headers["x-amz-checksum-crc32"]).toBe(crc32Base64(body));
    expect(fx.upstream.requests).toHaveLength(1);
    expect(fx.upstream.requests[0]).toMatchObject({ method: "PUT", complete: true, bytes: 1024, signatureOk: true });
    expect(fx.upstream.requests[0]?.headers["content-length"]).toBe("1024");
    expect(fx.upstream.objects.get(`/${TEST_BUCKET}/small`)).toEqual(body);
  });

  it("a 64 KiB body sent in two writes, the second one tampered: 400 BadDigest and not even a request head reaches the upstream", async () => {
    const body = Buffer.alloc(SMALL_BODY_BYTES, 7);
    const socket = await openRawPut(`/${TEST_BUCKET}/tampered-small`, body.length, { "x-amz-checksum-crc32": crc32Base64(body) });
    const status = statusLine(socket);
    socket.write(body.subarray(0, body.length / 2));
    socket.write(Buffer.alloc(body.length / 2, 8));
    expect(await status).toBe("HTTP/1.1 400 Bad Request");
    socket.destroy();
    await proxyDone((entry) => entry.msg === "request" && entry.errorCode === "BadDigest");
    expect(fx.upstream.requests).toHaveLength(0);
    expect(fx.upstream.objects.has(`/${TEST_BUCKET}/tampered-small`)).toBe(false);
  });

  it("a slow client does not hold an upstream connection while it trickles a small body: cut off with 408, the upstream never contacted", async () => {
    const socket = await openRawPut(`/${TEST_BUCKET}/stalled-small`, 1024);
    const status = statusLine(socket);
    socket.write(Buffer.alloc(1023, 1));
    expect(await status).toBe("HTTP/1.1 408 Request Timeout");
    socket.destroy();
    await proxyDone((entry) => entry.msg === "request" && entry.errorCode === "RequestTimeout");
    expect(fx.upstream.connectionsAccepted).toBe(0);
    expect(fx.upstream.requests).toHaveLength(0);
  });

  it("a larger body's upstream request opens at once: the upstream is contacted while the client is still sending", async () => {
    const socket = await openRawPut(`/${TEST_BUCKET}/stalled-large`, SMALL_BODY_BYTES + 1);
    const status = statusLine(socket);
    socket.write(Buffer.alloc(1023, 1));
    await until(() => fx.upstream.connectionsAccepted > 0);
    expect(await status).toBe("HTTP/1.1 408 Request Timeout");
    socket.destroy();
  });

  it("a client that disconnects in the middle of a small body: logged as aborted (499), and the upstream sees nothing", async () => {
    const socket = await openRawPut(`/${TEST_BUCKET}/abandoned-small`, 4096);
    socket.write(Buffer.alloc(2048, 1), () => socket.destroy());
    await proxyDone((entry) => entry.msg === "client aborted");
    expect(fx.logs.find((entry) => entry.msg === "client aborted")).toMatchObject({ operation: "PutObject", status: 499, bytesIn: expect.any(Number) });
    expect(fx.upstream.requests).toHaveLength(0);
  });

  it("a larger body streams: the upstream request opens before the client sent its last byte", async () => {
    const length = 4 * SMALL_BODY_BYTES;
    const socket = await openRawPut(`/${TEST_BUCKET}/streamed-large`, length);
    const status = statusLine(socket);
    // Half of it first: more than one read's worth, and the verifier holds back only the latest chunk.
    socket.write(Buffer.alloc(length / 2, 1));
    await until(() => (fx.upstream.requests[0]?.bytes ?? 0) > 0);
    expect(fx.upstream.requests[0]?.complete).toBe(false);
    socket.write(Buffer.alloc(length / 2, 2));
    expect(await status).toBe("HTTP/1.1 200 OK");
    socket.destroy();
    expect(fx.upstream.objects.get(`/${TEST_BUCKET}/streamed-large`)?.length).toBe(length);
  });
});
