import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { PROXY_CLIENT_CREDENTIALS, TEST_BUCKET, startProxyFixture, type ProxyFixture } from "../support/proxy-fixture.ts";
import { sendRaw, signedSend } from "../support/proxy-signer.ts";

let fx: ProxyFixture;
beforeEach(async () => {
  fx = await startProxyFixture();
});
afterEach(async () => {
  await fx.close();
});

describe("/healthz", () => {
  it("answers 200 without auth, even when the upstream is down", async () => {
    await fx.upstream.close();
    const res = await sendRaw(fx.proxy.url, "GET", "/healthz", {});
    expect(res.status).toBe(200);
    expect(res.body.toString()).toBe("ok\n");
  });
});

describe("/readyz", () => {
  it("answers 200 when the upstream answers HeadBucket for every bucket, with a signed request", async () => {
    const res = await sendRaw(fx.proxy.url, "GET", "/readyz", {});
    expect(res.status).toBe(200);
    expect(fx.upstream.requests[0]).toMatchObject({ method: "HEAD", url: `/${TEST_BUCKET}`, signatureOk: true });
  });

  it("answers 503 when the upstream is unreachable", async () => {
    await fx.upstream.close();
    const res = await sendRaw(fx.proxy.url, "GET", "/readyz", {});
    expect(res.status).toBe(503);
    expect(res.body.toString()).toContain("upstream unreachable (ECONNREFUSED)");
  });

  it("answers 503 when a bucket is missing upstream", async () => {
    fx.upstream.handler = (_req, res) => {
      res.writeHead(404);
      res.end();
      return true;
    };
    const res = await sendRaw(fx.proxy.url, "GET", "/readyz", {});
    expect(res.status).toBe(503);
    expect(res.body.toString()).toBe(`not ready: HeadBucket ${TEST_BUCKET} answered 404\n`);
  });
});

describe("/metrics", () => {
  it("counts requests by operation and status, bytes by direction, and durations", async () => {
    await signedSend({ endpoint: fx.proxy.url, method: "PUT", path: `/${TEST_BUCKET}/m`, body: Buffer.from("12345"), credentials: PROXY_CLIENT_CREDENTIALS });
    await signedSend({ endpoint: fx.proxy.url, method: "GET", path: "/elsewhere/m", credentials: PROXY_CLIENT_CREDENTIALS });
    const res = await sendRaw(fx.proxy.url, "GET", "/metrics", {});
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toBe("text/plain; version=0.0.4; charset=utf-8");
    const text = res.body.toString();
    expect(text).toContain('s3proxy_requests_total{operation="PutObject",status="200"} 1');
    expect(text).toContain('s3proxy_requests_total{operation="GetObject",status="403"} 1');
    expect(text).toContain('s3proxy_bytes_total{direction="in"} 5');
    expect(text).toContain("# TYPE s3proxy_request_duration_seconds histogram");
    expect(text).toContain('s3proxy_request_duration_seconds_bucket{le="+Inf"} 2');
    expect(text).toContain("s3proxy_request_duration_seconds_count 2");
  });
});
