/**
 * The proxy's HTTP server: the operations endpoints (/healthz, /readyz, /metrics) and every other request through
 * the S3 pipeline (handler.ts). `close()` stops accepting, lets in-flight requests finish for a grace period, then
 * cuts what is left.
 */
import { randomBytes } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { handleS3Request, type ProxyContext } from "./handler.ts";
import { jsonLineSink } from "./log.ts";
import { ProxyMetrics } from "./metrics.ts";
import { serveHealthz, serveReadyz } from "./ops/health.ts";
import { serveMetrics } from "./ops/metrics-endpoint.ts";
import { createUpstreamAgent } from "./pipeline/upstream-request.ts";
import type { ProxyOptions } from "./types.ts";

export interface RunningProxy {
  /** `http://host:port` the proxy listens on (a wildcard host is shown as 127.0.0.1). */
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
    metrics: new ProxyMetrics(),
    log: options.log ?? jsonLineSink(),
  };
  const server = http.createServer({ requestTimeout: 0, headersTimeout: 60_000, keepAliveTimeout: 5_000 }, (req, res) => {
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    if ((req.method === "GET" || req.method === "HEAD") && OPS_PATHS.has(path)) {
      if (path === "/healthz") serveHealthz(res);
      else if (path === "/metrics") serveMetrics(ctx.metrics, res);
      else void serveReadyz(ctx, res);
      return;
    }
    const requestId = nextRequestId();
    handleS3Request(ctx, req, res, requestId).catch((error: unknown) => {
      ctx.log({ level: "error", msg: "unhandled error", requestId, error: (error as Error).message });
      res.destroy();
    });
  });
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
  const url = `http://${shownHost.includes(":") ? `[${shownHost}]` : shownHost}:${address.port}`;

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
    },
  };
}
