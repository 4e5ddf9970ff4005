import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { jsonLineSink } from "../../proxy/src/log.ts";
import { ProxyMetrics } from "../../proxy/src/metrics.ts";

describe("ProxyMetrics", () => {
  it("renders counters and a cumulative histogram in the Prometheus text format", () => {
    const metrics = new ProxyMetrics();
    metrics.recordRequest("PutObject", 200, 0.02);
    metrics.recordRequest("PutObject", 200, 3);
    metrics.recordRequest('Odd"Op', 503, 400);
    metrics.addBytes("in", 10);
    metrics.addBytes("out", 7);
    const text = metrics.render({ requests: 5, uploads: 2 });
    expect(text).toContain('s3proxy_requests_total{operation="PutObject",status="200"} 2\n');
    expect(text).toContain('s3proxy_requests_total{operation="Odd\\"Op",status="503"} 1\n');
    expect(text).toContain('s3proxy_bytes_total{direction="in"} 10\ns3proxy_bytes_total{direction="out"} 7\n');
    expect(text).toContain('s3proxy_request_duration_seconds_bucket{le="0.025"} 1\n');
    expect(text).toContain('s3proxy_request_duration_seconds_bucket{le="5"} 2\n');
    expect(text).toContain('s3proxy_request_duration_seconds_bucket{le="300"} 2\n');
    expect(text).toContain('s3proxy_request_duration_seconds_bucket{le="+Inf"} 3\n');
    expect(text).toContain("s3proxy_request_duration_seconds_sum 403.02\n");
    expect(text).toContain("s3proxy_request_duration_seconds_count 3\n");
    expect(text.endsWith('s3proxy_requests_in_flight{kind="all"} 5\ns3proxy_requests_in_flight{kind="upload"} 2\n')).toBe(true);
  });
});

describe("jsonLineSink", () => {
  it("writes one JSON object per line, time first", () => {
    const out = new PassThrough();
    const sink = jsonLineSink(out);
    sink({ level: "info", msg: "listening", port: 8333 });
    sink({ level: "warn", msg: "request", status: 503 });
    const lines = String(out.read()).split("\n");
    expect(lines).toHaveLength(3);
    expect(lines[2]).toBe("");
    const first = JSON.parse(lines[0] ?? "") as Record<string, unknown>;
    expect(Object.keys(first)).toEqual(["time", "level", "msg", "port"]);
    expect(first).toMatchObject({ level: "info", msg: "listening", port: 8333 });
  });
});
