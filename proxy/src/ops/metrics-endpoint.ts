/** GET /metrics: the proxy's metrics in the Prometheus text exposition format (no auth). */
import type http from "node:http";
import type { InFlight, ProxyMetrics } from "../metrics.ts";

export function serveMetrics(metrics: ProxyMetrics, inFlight: InFlight, res: http.ServerResponse): void {
  const body = metrics.render(inFlight);
  res.writeHead(200, {
    "content-type": "text/plain; version=0.0.4; charset=utf-8",
    "content-length": Buffer.byteLength(body),
    "cache-control": "no-store",
  });
  res.end(body);
}
