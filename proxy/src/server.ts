/**
 * The proxy's HTTP server: the operations endpoints (/healthz, /readyz, /metrics) and every other request, once
 * admitted under the concurrency bound (admission.ts), through the S3 pipeline (handler.ts). `close()` stops accepting, lets in-flight requests finish for a grace period, then
 * cuts what is left.
 */
import { randomBytes } from "node:crypto";
import http from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";
import { handleS3Request, type ProxyContext } from "./handler.ts";
import { jsonLineSink } from "./log.ts";
import { ProxyMetrics } from "./metrics.ts";
import { serveHealthz, serveReadyz } from "./ops/health.ts";
import { serveMetrics } from "./ops/metrics-endpoint.ts";
import { createUpstreamAgent } from "./pipeline/upstream-request.ts";
import type { ProxyOptions } from "./types.ts";
import { Admission } from "./admission.ts";
import { S3Error } from "./errors.ts";
import { sendS3Error } from "./pipeline/response.ts";
import { RETRY_AFTER_SECONDS } from "./pipeline/upstream-errors.ts";

export interface RunningProxy {
  /** `http://host:port` (or `https://` with TLS) the proxy listens on (a wildcard host is shown as 127.0.0.1). */
  readonly url: string;
  readonly port: number;
  /** Stops the proxy: no new connections; in-flight requests get `graceMs` (default 10 s) to finish. */
  close(graceMs?: number): Promise<void>;
}

const OPS_PATHS = new Set(["/healthz", "/readyz", "/metrics"]);

/** Request ids: a random prefix per process and a counter, 16 hex digits like RGW's (no random bytes per request). */
const REQUEST_ID_PREFIX = randomBytes(4).toString("hex").toUpperCase();
let requestCounter = 0;
function nextRequestId(): string {
  requestCounter = (requestCounter + 1) % 0x1_0000_0000;
  return REQUEST_ID_PREFIX + requestCounter.toString(16).toUpperCase().padStart(8, "0");
}

export async function startProxy(options: ProxyOptions): Promise<RunningProxy> {
  const ctx: ProxyContext = {
    options,
    agent: createUpstreamAgent(options),
    readinessAgent: createUpstreamAgent(options, { keepAlive: false, maxSockets: Math.max(1, options.buckets.length) }),
    metrics: new ProxyMetrics(),
    log: options.log ?? jsonLineSink(),
    admission: new Admission(options),
  };
  const admission = ctx.admission;
  const dispatch = (req: http.IncomingMessage, res: http.ServerResponse, expectContinue: boolean): void => {
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    if ((req.method === "GET" || req.method === "HEAD") && OPS_PATHS.has(path)) {
      if (path === "/healthz") serveHealthz(res);
      else if (path === "/metrics") serveMetrics(ctx.metrics, admission.inFlight, res);
      else void serveReadyz(ctx, res);
      return;
    }
    const requestId = nextRequestId();
    const length = req.headers["content-length"];
    const release = admission.tryAdmit((length !== undefined && length !== "0") || req.headers["transfer-encoding"] !== undefined);
    if (release === undefined) {
      ctx.metrics.recordRequest("Unknown", 503, 0);
      ctx.log({ level: "warn", msg: "request", requestId, method: req.method, status: 503, errorCode: "SlowDown", inFlight: admission.inFlight.requests });
      const error = new S3Error("SlowDown", `The proxy is serving as many requests as it allows (${options.maxConcurrentRequests}, of them ${options.maxConcurrentUploads} with a body); retry shortly.`, {
        "retry-after": String(RETRY_AFTER_SECONDS),
      });
      sendS3Error(res, req.method ?? "GET", error, path, requestId, true);
      return;
    }
    res.once("close", release);
    handleS3Request(ctx, req, res, requestId, expectContinue).catch((error: unknown) => {
      ctx.log({ level: "error", msg: "unhandled error", requestId, error: (error as Error).message });
      res.destroy();
    });
  };
  const serverOptions = {
    requestTimeout: 0,
    headersTimeout: options.headersTimeoutMs,
    // Node checks the headers timeout on this interval: a fraction of it, so the bound holds within 25 %.
    connectionsCheckingInterval: Math.max(10, Math.min(30_000, Math.floor(options.headersTimeoutMs / 4))),
    keepAliveTimeout: 5_000,
  };
  const onRequest = (req: http.IncomingMessage, res: http.ServerResponse): void => dispatch(req, res, false);
  // TLS: the same server, the same bounds; the handshake counts against the headers timeout.
  const server: http.Server =
    options.tls === undefined
      ? http.createServer(serverOptions, onRequest)
      : https.createServer({ ...serverOptions, cert: options.tls.cert, key: options.tls.key, minVersion: "TLSv1.2" }, onRequest);
  // `Expect: 100-continue` is answered by the handler once routing, authentication and authorization passed
  // (Node's default would invite the body of any request at once).
  server.on("checkContinue", (req: http.IncomingMessage, res: http.ServerResponse) => dispatch(req, res, true));
  server.setTimeout(options.clientIdleTimeoutMs);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.listen.port, options.listen.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const shownHost = address.address === "0.0.0.0" || address.address === "::" ? "127.0.0.1" : address.address;
  const url = `${options.tls === undefined ? "http" : "https"}://${shownHost.includes(":") ? `[${shownHost}]` : shownHost}:${address.port}`;

  return {
    url,
    port: address.port,
    async close(graceMs = 10_000) {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const timer = setTimeout(() => server.closeAllConnections(), graceMs);
      await closed;
      clearTimeout(timer);
      ctx.agent.destroy();
      ctx.readinessAgent.destroy();
    },
  };
}
