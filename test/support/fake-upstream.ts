/**
 * An in-process stand-in for the upstream object store, on 127.0.0.1 port 0, for the proxy's unit tests. It
 * verifies the proxy's upstream signature with the proxy's own verifier, records every request (headers, bytes
 * received, whether the body arrived complete or the connection was cut), stores an object only when its body
 * arrived complete and matches the payload hash it was signed with, and answers like RGW (including empty <Message> elements). Hooks let a test reset the
 * connection after N body bytes or answer a request itself.
 */
import { createHash } from "node:crypto";
import http from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { verifyRequest } from "../../proxy/src/auth/index.ts";
import type { Credentials } from "../../proxy/src/types.ts";

export const UPSTREAM_CREDENTIALS: Credentials = {
  accessKeyId: "UPSTREAMKEYID0000001",
  secretAccessKey: "upstream-secret-DO-NOT-LEAK-0123456789",
};

export interface UpstreamRecord {
  readonly method: string;
  readonly url: string;
  readonly headers: http.IncomingHttpHeaders;
  /** Body bytes received. */
  bytes: number;
  /** The body arrived completely (Content-Length bytes). */
  complete: boolean;
  /** The connection was cut before the body was complete. */
  aborted: boolean;
  /** The proxy's signature verified against UPSTREAM_CREDENTIALS. */
  signatureOk: boolean;
  /** Time the first body byte arrived (ms since epoch), if any. */
  firstByteAt: number | undefined;
}

export interface FakeUpstream {
  readonly endpoint: string;
  readonly port: number;
  readonly requests: UpstreamRecord[];
  readonly objects: Map<string, Buffer>;
  /** Connections accepted so far (a request head may or may not have followed). */
  connectionsAccepted: number;
  /** Destroy the connection once this many body bytes of the next PUT arrived. */
  resetAfterBytes: number | undefined;
  /** Answers a request as soon as its head arrived (before its body) when it returns true. */
  earlyHandler: ((req: http.IncomingMessage, res: http.ServerResponse) => boolean) | undefined;
  /** Answers a request instead of the default behaviour when it returns true. */
  handler: ((req: http.IncomingMessage, res: http.ServerResponse, body: Buffer) => boolean) | undefined;
  /** Resolves when a request has been recorded that matches `predicate` (and its body ended or was cut). */
  waitFor(predicate: (record: UpstreamRecord) => boolean): Promise<UpstreamRecord>;
  /**
   * Resolves once every connection accepted so far has closed. A request head sent on a connection is parsed (and
   * recorded in `requests`) before that connection's close, so after this `requests` is final for those connections.
   */
  quiesce(): Promise<void>;
  close(): Promise<void>;
}

function rgwError(res: http.ServerResponse, status: number, code: string): void {
  const body = `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message></Message><RequestId>tx-fake</RequestId><HostId>fake</HostId></Error>`;
  res.writeHead(status, { "content-type": "application/xml", "content-length": Buffer.byteLength(body) });
  res.end(body);
}

export async function startFakeUpstream(): Promise<FakeUpstream> {
  const requests: UpstreamRecord[] = [];
  const objects = new Map<string, Buffer>();
  const waiters: { predicate: (r: UpstreamRecord) => boolean; resolve: (r: UpstreamRecord) => void }[] = [];
  const sockets = new Set<Socket>();
  const settle = (record: UpstreamRecord): void => {
    for (const waiter of [...waiters]) {
      if (waiter.predicate(record)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(record);
      }
    }
  };

  const fake: FakeUpstream = {
    endpoint: "",
    port: 0,
    requests,
    objects,
    connectionsAccepted: 0,
    resetAfterBytes: undefined,
    earlyHandler: undefined,
    handler: undefined,
    waitFor(predicate) {
      const done = requests.find((r) => (r.complete || r.aborted) && predicate(r));
      if (done !== undefined) return Promise.resolve(done);
      return new Promise((resolve) => waiters.push({ predicate: (r) => predicate(r), resolve }));
    },
    quiesce: () => Promise.all([...sockets].map((socket) => new Promise<void>((resolve) => (socket.destroyed ? resolve() : socket.once("close", () => resolve()))))).then(() => undefined),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };

  const server = http.createServer((req, res) => {
    const url = req.url ?? "/";
    const q = url.indexOf("?");
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(",") : value;
    let signatureOk = false;
    try {
      verifyRequest(
        { method: req.method ?? "GET", path: q === -1 ? url : url.slice(0, q), query: q === -1 ? "" : url.slice(q + 1), headers },
        { credentials: UPSTREAM_CREDENTIALS, now: new Date(), maxClockSkewMs: 900_000 },
      );
      signatureOk = true;
    } catch {
      signatureOk = false;
    }
    const record: UpstreamRecord = { method: req.method ?? "GET", url, headers: req.headers, bytes: 0, complete: false, aborted: false, signatureOk, firstByteAt: undefined };
    requests.push(record);
    const chunks: Buffer[] = [];
    const answeredEarly = fake.earlyHandler?.(req, res) === true;
    const resetAfter = req.method === "PUT" ? fake.resetAfterBytes : undefined;
    req.on("data", (chunk: Buffer) => {
      record.firstByteAt ??= Date.now();
      record.bytes += chunk.length;
      chunks.push(chunk);
      if (resetAfter !== undefined && record.bytes >= resetAfter) {
        fake.resetAfterBytes = undefined;
        record.aborted = true;
        settle(record);
        req.socket.destroy();
      }
    });
    req.on("close", () => {
      if (!req.complete && !record.aborted) {
        record.aborted = true;
        settle(record);
      }
    });
    req.on("end", () => {
      record.complete = true;
      const body = Buffer.concat(chunks);
      settle(record);
      if (answeredEarly || fake.handler?.(req, res, body) === true) return;
      if (!signatureOk) return rgwError(res, 403, "SignatureDoesNotMatch");
      // Like RGW (test/proxy/payload-hash.rgw.test.ts): a body that does not match its signed hex hash is refused, not stored.
      const payloadHash = String(req.headers["x-amz-content-sha256"] ?? "");
      if (/^[0-9a-f]{64}$/.test(payloadHash) && createHash("sha256").update(body).digest("hex") !== payloadHash) {
        return rgwError(res, 400, "XAmzContentSHA256Mismatch");
      }
      const path = decodeURIComponent(q === -1 ? url : url.slice(0, q));
      if (!path.slice(1).includes("/") && (req.method === "HEAD" || req.method === "GET")) {
        const list = req.method === "GET" ? '<?xml version="1.0" encoding="UTF-8"?><ListBucketResult><Name>b</Name><KeyCount>0</KeyCount></ListBucketResult>' : "";
        res.writeHead(200, { "content-type": "application/xml", "content-length": Buffer.byteLength(list) });
        res.end(list);
        return;
      }
      const object = objects.get(path);
      switch (req.method) {
        case "PUT": {
          objects.set(path, body);
          res.writeHead(200, { etag: `"${createHash("md5").update(body).digest("hex")}"`, "content-length": 0 });
          res.end();
          return;
        }
        case "GET":
        case "HEAD": {
          if (object === undefined) return rgwError(res, 404, "NoSuchKey");
          const range = /^bytes=(\d+)-(\d*)$/.exec(String(req.headers.range ?? ""));
          if (range !== null) {
            const start = Number(range[1]);
            const end = Math.min(range[2] === "" ? object.length - 1 : Number(range[2]), object.length - 1);
            if (start >= object.length) return rgwError(res, 416, "InvalidRange");
            res.writeHead(206, { "content-range": `bytes ${start}-${end}/${object.length}`, "content-length": end - start + 1, "accept-ranges": "bytes" });
            res.end(req.method === "HEAD" ? undefined : object.subarray(start, end + 1));
            return;
          }
          res.writeHead(200, { "content-length": object.length, etag: '"fake"', "accept-ranges": "bytes" });
          res.end(req.method === "HEAD" ? undefined : object);
          return;
        }
        case "DELETE":
          objects.delete(path);
          res.writeHead(204);
          res.end();
          return;
        default:
          res.writeHead(200, { "content-type": "application/xml", "content-length": 0 });
          res.end();
      }
    });
  });
  server.on("connection", (socket) => {
    fake.connectionsAccepted += 1;
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  Object.assign(fake, { endpoint: `http://127.0.0.1:${port}`, port });
  return fake;
}
