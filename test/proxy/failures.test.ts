import net from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { PROXY_CLIENT_CREDENTIALS, TEST_BUCKET, startProxyFixture, type ProxyFixture } from "../support/proxy-fixture.ts";
import { signRequest, signedSend } from "../support/proxy-signer.ts";
import { until } from "../support/until.ts";

let fx: ProxyFixture;
beforeEach(async () => {
  fx = await startProxyFixture();
});
afterEach(async () => {
  await fx.close();
});

/** Opens a raw connection to the proxy and writes the head of a signed PUT of `length` bytes (body not sent). */
async function openRawPut(path: string, length: number): Promise<net.Socket> {
  const signed = await signRequest({ endpoint: fx.proxy.url, method: "PUT", path, credentials: PROXY_CLIENT_CREDENTIALS, headers: { "content-length": String(length) } });
  const socket = net.connect(fx.proxy.port, "127.0.0.1");
  await new Promise<void>((resolve) => socket.once("connect", () => resolve()));
  const head = [`PUT ${signed.path} HTTP/1.1`, ...Object.entries(signed.headers).map(([k, v]) => `${k}: ${v}`), "", ""].join("\r\n");
  socket.write(head);
  return socket;
}

async function untilAsync(check: () => Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe("streaming", () => {
  it("streams without buffering: the upstream receives bytes before the client sent the last one", async () => {
    const size = 4 * 1024 * 1024;
    const socket = await openRawPut(`/${TEST_BUCKET}/streamed`, size);
    socket.write(Buffer.alloc(size / 2, 1));
    await until(() => (fx.upstream.requests[0]?.bytes ?? 0) > 0);
    expect(fx.upstream.requests[0]?.complete).toBe(false);
    const response = new Promise<string>((resolve) => {
      let text = "";
      socket.on("data", (chunk: Buffer) => {
        text += chunk.toString();
        if (text.includes("\r\n\r\n")) resolve(text);
      });
    });
    socket.write(Buffer.alloc(size / 2, 2));
    expect((await response).split("\r\n")[0]).toBe("HTTP/1.1 200 OK");
    socket.destroy();
    expect(fx.upstream.objects.get(`/${TEST_BUCKET}/streamed`)?.length).toBe(size);
  });
});

describe("client abort", () => {
  it("a client that stops mid-body aborts the upstream request and nothing is stored", async () => {
    const size = 4 * 1024 * 1024;
    const socket = await openRawPut(`/${TEST_BUCKET}/aborted`, size);
    socket.write(Buffer.alloc(size / 2, 1));
    await until(() => (fx.upstream.requests[0]?.bytes ?? 0) > 0);
    socket.destroy();
    const up = await fx.upstream.waitFor((r) => r.method === "PUT");
    expect(up.aborted).toBe(true);
    expect(up.complete).toBe(false);
    expect(fx.upstream.objects.has(`/${TEST_BUCKET}/aborted`)).toBe(false);
    await until(() => fx.logs.some((l) => l.msg === "client aborted"));
    expect(fx.logs.find((l) => l.msg === "client aborted")).toMatchObject({ operation: "PutObject", status: 499 });
  });
});

describe("upstream failures", () => {
  it("an unreachable upstream gives 503 ServiceUnavailable with Retry-After", async () => {
    await fx.upstream.close();
    const res = await signedSend({ endpoint: fx.proxy.url, method: "PUT", path: `/${TEST_BUCKET}/k`, body: Buffer.from("x"), credentials: PROXY_CLIENT_CREDENTIALS });
    expect(res.status).toBe(503);
    expect(res.headers["retry-after"]).toBe("1");
    expect(res.body.toString()).toContain("<Code>ServiceUnavailable</Code>");
    expect(res.body.toString()).toContain("ECONNREFUSED");
  });

  it("an upstream reset mid-upload gives 503 and nothing is stored", async () => {
    fx.upstream.resetAfterBytes = 256 * 1024;
    const body = Buffer.alloc(4 * 1024 * 1024, 7);
    const res = await signedSend({ endpoint: fx.proxy.url, method: "PUT", path: `/${TEST_BUCKET}/reset`, body, credentials: PROXY_CLIENT_CREDENTIALS });
    expect(res.status).toBe(503);
    expect(res.headers["retry-after"]).toBe("1");
    expect(res.body.toString()).toContain("<Code>ServiceUnavailable</Code>");
    expect(fx.upstream.objects.has(`/${TEST_BUCKET}/reset`)).toBe(false);
  });

  it("an upstream that answers an upload with an error before reading its body: the error reaches the client, with a message", async () => {
    fx.upstream.earlyHandler = (req, res) => {
      if (req.method !== "PUT") return false;
      const xml = '<?xml version="1.0" encoding="UTF-8"?><Error><Code>NoSuchUpload</Code><Message></Message></Error>';
      res.writeHead(404, { "content-type": "application/xml", "content-length": Buffer.byteLength(xml) });
      res.end(xml);
      return true;
    };
    const body = Buffer.alloc(8 * 1024 * 1024, 3);
    const res = await signedSend({ endpoint: fx.proxy.url, method: "PUT", path: `/${TEST_BUCKET}/k`, query: { partNumber: "1", uploadId: "gone" }, body, credentials: PROXY_CLIENT_CREDENTIALS });
    expect(res.status).toBe(404);
    expect(res.body.toString()).toContain("<Code>NoSuchUpload</Code><Message>The specified multipart upload does not exist.");
    expect(fx.upstream.objects.size).toBe(0);
  });

  it("an upstream reset mid-download cuts the client's response short instead of completing it", async () => {
    fx.upstream.handler = (req, res) => {
      if (req.method !== "GET") return false;
      res.writeHead(200, { "content-length": 1_000_000 });
      res.write(Buffer.alloc(1000));
      setTimeout(() => res.socket?.destroy(), 20);
      return true;
    };
    const signed = await signRequest({ endpoint: fx.proxy.url, method: "GET", path: `/${TEST_BUCKET}/big`, credentials: PROXY_CLIENT_CREDENTIALS });
    const outcome = await new Promise<string>((resolve) => {
      const socket = net.connect(fx.proxy.port, "127.0.0.1", () => {
        socket.write([`GET ${signed.path} HTTP/1.1`, ...Object.entries(signed.headers).map(([k, v]) => `${k}: ${v}`), "", ""].join("\r\n"));
      });
      let received = 0;
      socket.on("data", (chunk: Buffer) => {
        received += chunk.length;
      });
      socket.on("close", () => resolve(received < 1_000_000 ? "cut short" : "complete"));
    });
    expect(outcome).toBe("cut short");
    const line = await fx.waitForLog((entry) => entry.msg === "request" && entry.operation === "GetObject");
    expect(line).toMatchObject({ level: "warn", status: 502, errorCode: "UpstreamCut" });
  });

  it("a client that goes away mid-download ends the upstream response too (its socket is not left half-read)", async () => {
    let upstreamClosed: () => void = () => undefined;
    const upstreamGone = new Promise<void>((resolve) => {
      upstreamClosed = resolve;
    });
    fx.upstream.handler = (req, res) => {
      if (req.method !== "GET") return false;
      res.writeHead(200, { "content-length": 1_000_000 });
      res.write(Buffer.alloc(1000));
      res.on("close", () => upstreamClosed());
      return true;
    };
    const signed = await signRequest({ endpoint: fx.proxy.url, method: "GET", path: `/${TEST_BUCKET}/big`, credentials: PROXY_CLIENT_CREDENTIALS });
    const socket = net.connect(fx.proxy.port, "127.0.0.1", () => {
      socket.write([`GET ${signed.path} HTTP/1.1`, ...Object.entries(signed.headers).map(([k, v]) => `${k}: ${v}`), "", ""].join("\r\n"));
    });
    socket.once("data", () => socket.destroy());
    await upstreamGone;
    const line = await fx.waitForLog((entry) => entry.msg === "client aborted");
    expect(line).toMatchObject({ operation: "GetObject", status: 499, errorCode: "ClientAbort" });
  });
});

describe("timeouts", () => {
  it("a client that stalls mid-body is cut off after clientIdleTimeoutMs and the upstream request is aborted", async () => {
    await fx.close();
    fx = await startProxyFixture({}, { clientIdleTimeoutMs: 300 });
    const socket = await openRawPut(`/${TEST_BUCKET}/stalled`, 1024 * 1024);
    socket.write(Buffer.alloc(256 * 1024, 1));
    const closed = new Promise<void>((resolve) => socket.on("close", () => resolve()));
    socket.on("error", () => undefined);
    await closed;
    const up = await fx.upstream.waitFor((r) => r.method === "PUT");
    expect(up.aborted).toBe(true);
    expect(fx.upstream.objects.has(`/${TEST_BUCKET}/stalled`)).toBe(false);
  });

  it("an upstream that takes the whole GET and never answers gives 503 after upstreamResponseTimeoutMs", async () => {
    await fx.close();
    fx = await startProxyFixture({ S3PROXY_UPSTREAM_RESPONSE_TIMEOUT_MS: "200" });
    fx.upstream.handler = () => true;
    const started = Date.now();
    const res = await signedSend({ endpoint: fx.proxy.url, method: "GET", path: `/${TEST_BUCKET}/hangs`, credentials: PROXY_CLIENT_CREDENTIALS });
    expect(res.status).toBe(503);
    expect(res.body.toString()).toContain("The upstream object store did not answer (UPSTREAM_RESPONSE_TIMEOUT). Nothing was changed; please retry.");
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it("an upstream that takes the whole PUT and never answers gives 500 InternalError, outcome unknown", async () => {
    await fx.close();
    fx = await startProxyFixture({ S3PROXY_UPSTREAM_RESPONSE_TIMEOUT_MS: "200" });
    fx.upstream.handler = () => true;
    const res = await signedSend({ endpoint: fx.proxy.url, method: "PUT", path: `/${TEST_BUCKET}/maybe`, body: Buffer.alloc(1000, 1), credentials: PROXY_CLIENT_CREDENTIALS });
    expect(res.status).toBe(500);
    expect(res.body.toString()).toContain("<Code>InternalError</Code>");
    expect(res.body.toString()).toContain("the outcome is unknown");
    expect((await fx.upstream.waitFor((r) => r.method === "PUT")).complete).toBe(true);
  });

  it("an upstream that closes the connection after the whole DELETE, without answering, gives 500 outcome unknown", async () => {
    fx.upstream.handler = (req) => {
      req.socket.destroy();
      return true;
    };
    const res = await signedSend({ endpoint: fx.proxy.url, method: "DELETE", path: `/${TEST_BUCKET}/gone`, credentials: PROXY_CLIENT_CREDENTIALS });
    expect(res.status).toBe(500);
    expect(res.body.toString()).toContain("its answer was lost (ECONNRESET): the outcome is unknown");
  });

  it("an upstream that never answers gives 503 after upstreamIdleTimeoutMs", async () => {
    await fx.close();
    fx = await startProxyFixture({}, { upstreamIdleTimeoutMs: 300 });
    fx.upstream.handler = () => true;
    const res = await signedSend({ endpoint: fx.proxy.url, method: "GET", path: `/${TEST_BUCKET}/hangs`, credentials: PROXY_CLIENT_CREDENTIALS });
    expect(res.status).toBe(503);
    expect(res.body.toString()).toContain("The upstream object store did not answer (ETIMEDOUT).");
  });
});

describe("header timeout", () => {
  it("a client that sends its request head too slowly gets 408 and the connection closes after headersTimeoutMs", async () => {
    await fx.close();
    fx = await startProxyFixture({ S3PROXY_HEADERS_TIMEOUT_MS: "200" });
    const socket = net.connect(fx.proxy.port, "127.0.0.1");
    await new Promise<void>((resolve) => socket.once("connect", () => resolve()));
    const started = Date.now();
    socket.write(`GET /${TEST_BUCKET}/k HTTP/1.1\r\nhost: x\r\n`);
    let text = "";
    socket.on("data", (chunk: Buffer) => {
      text += chunk.toString();
    });
    await new Promise<void>((resolve) => socket.once("close", () => resolve()));
    expect(text.split("\r\n")[0]).toBe("HTTP/1.1 408 Request Timeout");
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(fx.upstream.requests).toHaveLength(0);
  });
});

describe("concurrency bound", () => {
  it("beyond maxConcurrentUploads an upload gets 503 SlowDown at once, while reads and /healthz still answer", async () => {
    await fx.close();
    fx = await startProxyFixture({ S3PROXY_MAX_CONCURRENT_REQUESTS: "2", S3PROXY_MAX_CONCURRENT_UPLOADS: "1" });
    fx.upstream.objects.set(`/${TEST_BUCKET}/r`, Buffer.from("read me"));
    const holding = await openRawPut(`/${TEST_BUCKET}/holding`, 1024);
    holding.write(Buffer.alloc(10));
    await untilAsync(async () => (await (await fetch(`${fx.proxy.url}/metrics`)).text()).includes('s3proxy_requests_in_flight{kind="upload"} 1'));
    const second = await signedSend({ endpoint: fx.proxy.url, method: "PUT", path: `/${TEST_BUCKET}/second`, body: Buffer.from("x"), credentials: PROXY_CLIENT_CREDENTIALS });
    expect(second.status).toBe(503);
    expect(second.headers["retry-after"]).toBe("1");
    expect(second.body.toString()).toContain("<Code>SlowDown</Code>");
    const read = await signedSend({ endpoint: fx.proxy.url, method: "GET", path: `/${TEST_BUCKET}/r`, credentials: PROXY_CLIENT_CREDENTIALS });
    expect(read.status).toBe(200);
    expect((await fetch(`${fx.proxy.url}/healthz`)).status).toBe(200);
    expect(fx.upstream.requests.map((r) => r.method)).toEqual(["GET"]);
    holding.destroy();
  });
});

describe("XML byte budget", () => {
  it("a CompleteMultipartUpload whose XML would exceed maxXmlBytesInFlight gets 503 SlowDown before its body is read", async () => {
    await fx.close();
    fx = await startProxyFixture({}, { maxXmlBytesInFlight: 1000 });
    const signed = await signRequest({ endpoint: fx.proxy.url, method: "POST", path: `/${TEST_BUCKET}/k`, query: { uploadId: "u1" }, credentials: PROXY_CLIENT_CREDENTIALS, headers: { "content-length": "600" } });
    const holding = net.connect(fx.proxy.port, "127.0.0.1");
    await new Promise<void>((resolve) => holding.once("connect", () => resolve()));
    holding.write([`POST ${signed.path} HTTP/1.1`, ...Object.entries(signed.headers).map(([k, v]) => `${k}: ${v}`), "", ""].join("\r\n"));
    await untilAsync(async () => (await (await fetch(`${fx.proxy.url}/metrics`)).text()).includes('s3proxy_requests_in_flight{kind="upload"} 1'));
    const xml = Buffer.from(`<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>${"e".repeat(500)}</ETag></Part></CompleteMultipartUpload>`);
    const second = await signedSend({ endpoint: fx.proxy.url, method: "POST", path: `/${TEST_BUCKET}/k2`, query: { uploadId: "u2" }, body: xml, credentials: PROXY_CLIENT_CREDENTIALS });
    expect(second.status).toBe(503);
    expect(second.body.toString()).toContain("<Code>SlowDown</Code><Message>The proxy is reading as many XML request bodies as it allows; retry shortly.</Message>");
    holding.destroy();
    await fx.waitForLog((entry) => entry.msg === "client aborted");
    // Released when the first request ended: the same document now goes through.
    const third = await signedSend({ endpoint: fx.proxy.url, method: "POST", path: `/${TEST_BUCKET}/k2`, query: { uploadId: "u2" }, body: xml, credentials: PROXY_CLIENT_CREDENTIALS });
    expect(third.status).toBe(200);
    expect(fx.upstream.requests.map((r) => r.url)).toEqual([`/${TEST_BUCKET}/k2?uploadId=u2`]);
  });
});

describe("graceful close", () => {
  it("lets an in-flight upload finish, then stops", async () => {
    const size = 1024 * 1024;
    const socket = await openRawPut(`/${TEST_BUCKET}/during-close`, size);
    socket.write(Buffer.alloc(size / 2, 1));
    await until(() => (fx.upstream.requests[0]?.bytes ?? 0) > 0);
    let closed = false;
    const closing = fx.proxy.close(5_000).then(() => {
      closed = true;
    });
    const response = new Promise<string>((resolve) => {
      let text = "";
      socket.on("data", (chunk: Buffer) => {
        text += chunk.toString();
        if (text.includes("\r\n\r\n")) resolve(text);
      });
    });
    expect(closed).toBe(false);
    socket.write(Buffer.alloc(size / 2, 2));
    expect((await response).split("\r\n")[0]).toBe("HTTP/1.1 200 OK");
    socket.destroy();
    await closing;
    expect(closed).toBe(true);
    expect(fx.upstream.objects.get(`/${TEST_BUCKET}/during-close`)?.length).toBe(size);
    // It stopped: the port no longer accepts connections.
    const refused = await new Promise<string>((resolve) => {
      const probe = net.connect(fx.proxy.port, "127.0.0.1");
      probe.once("connect", () => {
        probe.destroy();
        resolve("connected");
      });
      probe.once("error", (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    });
    expect(refused).toBe("ECONNREFUSED");
  });
});
