/**
 * Streaming without buffering, measured: the bundled proxy (dist/s3-proxy.mjs, a child process as in production)
 * carries a 1 GiB object up to a real Ceph RGW and back down while its resident set size, read from
 * /proc/<pid>/status, grows by less than 64 MiB: both over its RSS at start and over its RSS after a 64 MiB
 * warm-up in both directions (the allocator and compiled code settle during the warm-up, about 40 MiB; after it
 * the 1 GiB round trip adds only a few MiB: memory does not grow with object size).
 */
import { randomBytes } from "node:crypto";
import http from "node:http";
import { Readable } from "node:stream";
import { crc32 } from "node:zlib";
import { afterAll, beforeAll, expect, it } from "vitest";
import { PROXY_CLIENT_CREDENTIALS } from "../support/proxy-fixture.ts";
import { buildBundle, startProxyProcess, type BuiltBundle, type ProxyProcess } from "../support/proxy-process.ts";
import { signRequest } from "../support/proxy-signer.ts";
import { describeWithRgw, useTestBucket } from "../support/rgw.ts";

const GIB = 1024 * 1024 * 1024;
const CHUNK = 1024 * 1024;
const LIMIT = 64 * 1024 * 1024;

function crc32b64(value: number): string {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(value >>> 0);
  return out.toString("base64");
}

/** `total` bytes of varied content, generated chunk by chunk; `crc()` is their CRC32 once consumed. */
function generated(total: number): { stream: Readable; crc: () => number } {
  const base = randomBytes(CHUNK);
  let sent = 0;
  let value = 0;
  const stream = new Readable({
    read() {
      if (sent >= total) return void this.push(null);
      const chunk = Buffer.from(base.subarray(0, Math.min(CHUNK, total - sent)));
      chunk.writeUInt32BE(sent / CHUNK, 0);
      sent += chunk.length;
      value = crc32(chunk, value);
      this.push(chunk);
    },
  });
  return { stream, crc: () => value };
}

function request(url: string, method: string, headers: Record<string, string>, body?: Readable): Promise<http.IncomingMessage> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const req = http.request({ hostname: target.hostname, port: Number(target.port), method, path: `${target.pathname}${target.search}`, headers, agent: false }, resolve);
    req.on("error", reject);
    if (body !== undefined) body.pipe(req);
    else req.end();
  });
}

describeWithRgw("memory of the bundled proxy while 1 GiB goes up and comes back down", (rgw) => {
  const bucket = useTestBucket("proxy-memory");
  let proxy: ProxyProcess;
  let bundle: BuiltBundle;
  beforeAll(async () => {
    bundle = buildBundle();
    expect(bundle.status, bundle.output).toBe(0);
    proxy = await startProxyProcess(bundle.path, {
      S3PROXY_UPSTREAM_URL: rgw.endpoint,
      S3PROXY_UPSTREAM_ACCESS_KEY_ID: rgw.accessKeyId,
      S3PROXY_UPSTREAM_SECRET_ACCESS_KEY: rgw.secretAccessKey,
      S3PROXY_ACCESS_KEY_ID: PROXY_CLIENT_CREDENTIALS.accessKeyId,
      S3PROXY_SECRET_ACCESS_KEY: PROXY_CLIENT_CREDENTIALS.secretAccessKey,
      S3PROXY_BUCKETS: bucket.current.name,
    });
  }, 120_000);
  afterAll(async () => {
    await proxy?.stop();
    bundle?.remove();
  });

  it("keeps RSS growth under 64 MiB", async () => {
    const path = `/${bucket.current.name}/one-gib`;
    const startRss = proxy.rssBytes();
    // Warm up both directions with 64 MiB first, so the baseline includes compiled code and the allocator's
    // steady state: what is measured is growth with object size, which must be none.
    const WARM = 64 * CHUNK;
    const warm = generated(WARM);
    const warmPut = await signRequest({ endpoint: proxy.url, method: "PUT", path: `${path}-warm`, credentials: PROXY_CLIENT_CREDENTIALS, headers: { "content-length": String(WARM) } });
    const warmPutResponse = await request(`${proxy.url}${warmPut.path}`, "PUT", warmPut.headers, warm.stream);
    warmPutResponse.resume();
    expect(warmPutResponse.statusCode).toBe(200);
    const warmGet = await signRequest({ endpoint: proxy.url, method: "GET", path: `${path}-warm`, credentials: PROXY_CLIENT_CREDENTIALS });
    for await (const _chunk of await request(`${proxy.url}${warmGet.path}`, "GET", warmGet.headers)) {
      // drain
    }
    await new Promise((r) => setTimeout(r, 300));
    const baseline = proxy.rssBytes();
    let peak = baseline;
    const sampler = setInterval(() => {
      peak = Math.max(peak, proxy.rssBytes());
    }, 25);
    try {
      const up = generated(GIB);
      const put = await signRequest({ endpoint: proxy.url, method: "PUT", path, credentials: PROXY_CLIENT_CREDENTIALS, headers: { "content-length": String(GIB), "x-amz-sdk-checksum-algorithm": "CRC32" } });
      const upStarted = Date.now();
      const putResponse = await request(`${proxy.url}${put.path}`, "PUT", put.headers, up.stream);
      putResponse.resume();
      expect(putResponse.statusCode).toBe(200);
      expect(putResponse.headers["x-amz-checksum-crc32"]).toBe(crc32b64(up.crc()));
      const upSeconds = (Date.now() - upStarted) / 1000;
      const peakAfterUpload = peak;

      const get = await signRequest({ endpoint: proxy.url, method: "GET", path, credentials: PROXY_CLIENT_CREDENTIALS });
      const downStarted = Date.now();
      const getResponse = await request(`${proxy.url}${get.path}`, "GET", get.headers);
      expect(getResponse.statusCode).toBe(200);
      let bytes = 0;
      let value = 0;
      for await (const chunk of getResponse) {
        bytes += (chunk as Buffer).length;
        value = crc32(chunk as Buffer, value);
      }
      const downSeconds = (Date.now() - downStarted) / 1000;
      expect(bytes).toBe(GIB);
      expect(crc32b64(value)).toBe(crc32b64(up.crc()));
      console.log(
        `[memory] proxy RSS at start ${(startRss / 2 ** 20).toFixed(1)} MiB, after the 64 MiB warm-up (baseline) ${(baseline / 2 ** 20).toFixed(1)} MiB, peak during upload ${(peakAfterUpload / 2 ** 20).toFixed(1)} MiB, ` +
          `peak overall ${(peak / 2 ** 20).toFixed(1)} MiB, growth ${((peak - baseline) / 2 ** 20).toFixed(1)} MiB over the baseline, ` +
          `${((peak - startRss) / 2 ** 20).toFixed(1)} MiB over the start; ` +
          `1 GiB up in ${upSeconds.toFixed(1)} s, down in ${downSeconds.toFixed(1)} s`,
      );
      expect(peak - baseline).toBeLessThan(LIMIT);
      expect(peak - startRss).toBeLessThan(LIMIT);
    } finally {
      clearInterval(sampler);
    }
  }, 300_000);
});
