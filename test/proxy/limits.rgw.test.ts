/**
 * The memory and time bounds of the bundled proxy (a child process, as in production) in front of a real Ceph RGW:
 * - memory: concurrent signed aws-chunked uploads that each declare one 16 MiB chunk and stall one byte short keep
 *   the proxy's RSS under the documented bound (ARCHITECTURE.md, "Memory and time bounds"): chunk data is streamed
 *   while hashed, never buffered whole; and none of them is committed.
 * - starvation: while the maximum number of slow uploads trickles (legitimately, above the minimum rate), a GET is
 *   answered promptly, /healthz and /readyz answer, one upload more gets 503 SlowDown at once; when the uploads
 *   stall they are cut off with 408 and their slots come back.
 */
import { createHash, randomBytes } from "node:crypto";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, expect, it } from "vitest";
import { PROXY_CLIENT_CREDENTIALS } from "../support/proxy-fixture.ts";
import { buildBundle, startProxyProcess, type BuiltBundle, type ProxyProcess } from "../support/proxy-process.ts";
import { signRequest } from "../support/proxy-signer.ts";
import { openRaw, rawRequest, type RawConnection } from "../support/raw-http.ts";
import { adminS3Client, describeWithRgw, useTestBucket, type AvailableRgwInfo } from "../support/rgw.ts";
import { objectExists } from "../support/s3-state.ts";

const MIB = 1024 * 1024;

function upstreamEnv(rgw: AvailableRgwInfo, bucket: string): Record<string, string> {
  return {
    S3PROXY_UPSTREAM_URL: rgw.endpoint,
    S3PROXY_UPSTREAM_ACCESS_KEY_ID: rgw.accessKeyId,
    S3PROXY_UPSTREAM_SECRET_ACCESS_KEY: rgw.secretAccessKey,
    S3PROXY_ACCESS_KEY_ID: PROXY_CLIENT_CREDENTIALS.accessKeyId,
    S3PROXY_SECRET_ACCESS_KEY: PROXY_CLIENT_CREDENTIALS.secretAccessKey,
    S3PROXY_BUCKETS: bucket,
  };
}

async function openUpload(endpoint: string, path: string, headers: Record<string, string>, payloadHash = "UNSIGNED-PAYLOAD"): Promise<RawConnection> {
  const req = await signRequest({ endpoint, method: "PUT", path, headers, payloadHash, credentials: PROXY_CLIENT_CREDENTIALS });
  return openRaw(endpoint, "PUT", req.path, Object.entries(req.headers));
}

/** Resolves once `socket` has flushed everything written to it (the data left the process). */
function flushed(connection: RawConnection, data: Buffer): Promise<void> {
  return new Promise((resolve) => connection.socket.write(data, () => resolve()));
}

let bundle: BuiltBundle;
beforeAll(() => {
  bundle = buildBundle();
  expect(bundle.status, bundle.output).toBe(0);
}, 60_000);
afterAll(() => bundle?.remove());

describeWithRgw("memory: stalled aws-chunked uploads with 16 MiB chunks", (rgw) => {
  const bucket = useTestBucket("proxy-chunk-memory");
  let proxy: ProxyProcess;
  beforeAll(async () => {
    proxy = await startProxyProcess(bundle.path, { ...upstreamEnv(rgw, bucket.current.name), S3PROXY_BODY_TIMEOUT_MS: "2000" });
  });
  afterAll(async () => {
    await proxy?.stop();
  });

  it("keeps RSS under the documented bound with 14 uploads each stalled one byte short of a declared 16 MiB chunk (the issue's attack), and commits none", async () => {
    const UPLOADS = 14;
    const CHUNK = 16 * MIB;
    const SENT = CHUNK - 1;
    // Warm up (compiled code, the allocator's working set for this much traffic) with the same number of complete,
    // legitimate uploads of the same size at once, then take the baseline: what is measured is what stalling adds.
    const warm = randomBytes(SENT);
    const warmHash = createHash("sha256").update(warm).digest("hex");
    const warmed = await Promise.all(
      Array.from({ length: UPLOADS }, async (_, i) => {
        const req = await signRequest({ endpoint: proxy.url, method: "PUT", path: `/${bucket.current.name}/warm-${i}`, headers: { "content-length": String(SENT) }, payloadHash: warmHash, credentials: PROXY_CLIENT_CREDENTIALS });
        return (await rawRequest(proxy.url, "PUT", req.path, Object.entries(req.headers), warm)).status;
      }),
    );
    expect(warmed).toEqual(warmed.map(() => 200));
    const baseline = proxy.rssBytes();

    const line = `${CHUNK.toString(16)};chunk-signature=${"0".repeat(64)}\r\n`;
    const final = `0;chunk-signature=${"0".repeat(64)}\r\n\r\n`;
    const data = randomBytes(SENT);
    const connections: RawConnection[] = [];
    for (let i = 0; i < UPLOADS; i += 1) {
      connections.push(
        await openUpload(
          proxy.url,
          `/${bucket.current.name}/stalled-${i}`,
          { "content-encoding": "aws-chunked", "x-amz-decoded-content-length": String(CHUNK), "content-length": String(line.length + CHUNK + 2 + final.length) },
          "STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
        ),
      );
    }
    let peak = baseline;
    const sampler = setInterval(() => {
      peak = Math.max(peak, proxy.rssBytes());
    }, 20);
    try {
      await Promise.all(connections.map((c) => flushed(c, Buffer.concat([Buffer.from(line), data]))));
      // Stalled now, each one byte short of its chunk: what the proxy still holds is what it keeps per request.
      await new Promise((resolve) => setTimeout(resolve, 500));
      const stalled = proxy.rssBytes();
      peak = Math.max(peak, stalled);
      const growth = peak - baseline;
      console.log(
        `[memory] ${UPLOADS} stalled uploads, ${SENT} bytes each sent into a declared ${CHUNK / MIB} MiB chunk: RSS baseline ` +
          `${(baseline / MIB).toFixed(1)} MiB, stalled ${(stalled / MIB).toFixed(1)} MiB, peak ${(peak / MIB).toFixed(1)} MiB, growth ${(growth / MIB).toFixed(1)} MiB ` +
          `(${(growth / UPLOADS / 1024).toFixed(0)} KiB per upload; the old proxy buffered all ${((UPLOADS * SENT) / MIB).toFixed(0)} MiB)`,
      );
      // The documented bound: 1 MiB per request in flight over the baseline (ARCHITECTURE.md).
      expect(growth).toBeLessThan(UPLOADS * MIB);
      // The stalled uploads are cut off by the body rate bound (408) and none is committed.
      const answers = await Promise.all(connections.map((c) => c.nextResponse(15_000)));
      expect(answers.map((a) => a.status)).toEqual(connections.map(() => 408));
    } finally {
      clearInterval(sampler);
      for (const c of connections) c.socket.destroy();
    }
    const admin = adminS3Client(rgw);
    for (let i = 0; i < UPLOADS; i += 1) expect(await objectExists(admin, bucket.current.name, `stalled-${i}`)).toBe(false);
  }, 120_000);
});

describeWithRgw("starvation: the maximum number of slow uploads trickling", (rgw) => {
  const bucket = useTestBucket("proxy-starvation");
  const MAX_REQUESTS = 24;
  const MAX_UPLOADS = 16;
  let proxy: ProxyProcess;
  beforeAll(async () => {
    proxy = await startProxyProcess(bundle.path, {
      ...upstreamEnv(rgw, bucket.current.name),
      S3PROXY_MAX_CONCURRENT_REQUESTS: String(MAX_REQUESTS),
      S3PROXY_MAX_CONCURRENT_UPLOADS: String(MAX_UPLOADS),
      S3PROXY_BODY_TIMEOUT_MS: "1000",
      S3PROXY_MIN_BODY_BYTES_PER_SECOND: "64",
    });
    await adminS3Client(rgw).send(new PutObjectCommand({ Bucket: bucket.current.name, Key: "wanted", Body: "the legitimate read" }));
  });
  afterAll(async () => {
    await proxy?.stop();
  });

  it("answers a GET, /healthz and /readyz promptly, refuses one upload more with 503 SlowDown, and cuts the uploads off once they stall", async () => {
    const slow: RawConnection[] = [];
    for (let i = 0; i < MAX_UPLOADS; i += 1) {
      slow.push(await openUpload(proxy.url, `/${bucket.current.name}/slow-${i}`, { "content-length": "1000000" }));
    }
    // 64 bytes every 250 ms: 256 bytes/s, four times the 64 bytes/s minimum, so they hold their slots.
    const trickle = setInterval(() => {
      for (const c of slow) if (!c.socket.destroyed) c.socket.write(Buffer.alloc(64, 7));
    }, 250);
    try {
      // Let them be admitted and trickle over more than one measuring window.
      await new Promise((resolve) => setTimeout(resolve, 1_500));

      const started = Date.now();
      const get = await signRequest({ endpoint: proxy.url, method: "GET", path: `/${bucket.current.name}/wanted`, credentials: PROXY_CLIENT_CREDENTIALS });
      const got = await rawRequest(proxy.url, "GET", get.path, Object.entries(get.headers));
      const getMs = Date.now() - started;
      expect(got.status).toBe(200);
      expect(got.body.toString()).toBe("the legitimate read");
      const healthz = await fetch(`${proxy.url}/healthz`);
      const readyz = await fetch(`${proxy.url}/readyz`);
      expect([healthz.status, readyz.status]).toEqual([200, 200]);
      const opsMs = Date.now() - started;

      const extra = await openUpload(proxy.url, `/${bucket.current.name}/one-more`, { "content-length": "1000000" });
      const refused = await extra.nextResponse(2_000);
      extra.socket.destroy();
      expect(refused.status).toBe(503);
      expect(refused.body.toString()).toContain("<Code>SlowDown</Code>");
      console.log(`[starvation] ${MAX_UPLOADS} trickling uploads: GET answered in ${getMs} ms, GET + /healthz + /readyz in ${opsMs} ms`);
      expect(getMs).toBeLessThan(2_000);

      // None of the slow uploads was answered while it kept its rate.
      clearInterval(trickle);
      const cut = await Promise.all(slow.map((c) => c.nextResponse(5_000)));
      expect(cut.map((r) => r.status)).toEqual(slow.map(() => 408));
    } finally {
      clearInterval(trickle);
      for (const c of slow) c.socket.destroy();
    }
    // Their slots came back: a normal upload goes through.
    const body = Buffer.from("after the storm");
    const put = await signRequest({ endpoint: proxy.url, method: "PUT", path: `/${bucket.current.name}/after`, headers: { "content-length": String(body.length) }, credentials: PROXY_CLIENT_CREDENTIALS });
    expect((await rawRequest(proxy.url, "PUT", put.path, Object.entries(put.headers), body)).status).toBe(200);
    const admin = adminS3Client(rgw);
    for (let i = 0; i < MAX_UPLOADS; i += 1) expect(await objectExists(admin, bucket.current.name, `slow-${i}`)).toBe(false);
  }, 60_000);
});
