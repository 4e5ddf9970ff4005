import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { batchedJsonLineSink, jsonLineSink } from "../../proxy/src/log.ts";
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

  it("writes the time as ISO 8601, leaves out undefined fields and escapes strings", () => {
    const out = new PassThrough();
    const before = Date.now();
    jsonLineSink(out)({ level: "info", msg: 'a "quoted"\nline', bucket: undefined, status: 200 });
    const text = String(out.read());
    expect(text).toMatch(/^\{"time":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z","level":"info","msg":"a \\"quoted\\"\\nline","status":200\}\n$/);
    const time = Date.parse((JSON.parse(text) as { time: string }).time);
    expect(time).toBeGreaterThanOrEqual(before - 1);
    expect(time).toBeLessThanOrEqual(Date.now());
  });
});

describe("batchedJsonLineSink", () => {
  it("holds request lines until the flush interval, writes any other line at once after them, in order", async () => {
    const out = new PassThrough();
    const sink = batchedJsonLineSink(out, 30);
    sink({ level: "info", msg: "request", status: 200 });
    sink({ level: "info", msg: "request", status: 204 });
    expect(out.read()).toBeNull();
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(String(out.read()).split("\n").map((text) => (text === "" ? undefined : (JSON.parse(text) as { status: number }).status))).toEqual([200, 204, undefined]);
    sink({ level: "info", msg: "request", status: 201 });
    sink({ level: "warn", msg: "upstream failed" });
    const lines = String(out.read()).trim().split("\n").map((text) => JSON.parse(text) as { msg: string });
    expect(lines.map((entry) => entry.msg)).toEqual(["request", "upstream failed"]);
  });
});
