/**
 * The proxy in front of an RGW that itself serves TLS with a private CA: a second single-node Ceph cluster of its
 * own (its own RGW_DIR and ports, beast `ssl_endpoint` through RGW_EXTRA_CONF), started here and stopped here. The
 * proxy trusts RGW's CA through S3PROXY_UPSTREAM_CA_FILE beside the public roots, and refuses RGW without it.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import tls from "node:tls";
import { CreateBucketCommand } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startRgw, stopRgw, type RgwCluster } from "../../scripts/ceph-rgw/cluster.ts";
import { loadProxyOptions } from "../../proxy/src/config.ts";
import { startProxy, type RunningProxy } from "../../proxy/src/index.ts";
import { createUpstreamAgent } from "../../proxy/src/pipeline/upstream-request.ts";
import { runConvexS3Sequence } from "../support/convex-s3-sequence.ts";
import { PROXY_CLIENT_CREDENTIALS, testProxyOptions } from "../support/proxy-fixture.ts";
import { adminS3Client, describeWithRgw } from "../support/rgw.ts";
import { createTestCa, type TestCa } from "../support/test-ca.ts";

/** Fixed ports of this second cluster (Ceph's daemons cannot take port 0); none is the shared cluster's. */
const PORTS = { plain: 27480, tls: 27443, monV2: 23300, monV1: 26789 };

describeWithRgw("the proxy in front of an RGW serving TLS with a private CA", () => {
  let rgwCa: TestCa;
  let dir: string;
  let cluster: RgwCluster;
  let tlsEndpoint: string;
  const bucket = `tls-upstream-${randomBytes(4).toString("hex")}`;
  const proxies: RunningProxy[] = [];

  beforeAll(async () => {
    rgwCa = createTestCa("RGW private CA");
    const serving = rgwCa.issue("rgw", ["127.0.0.1"]);
    dir = mkdtempSync(path.join(tmpdir(), "ceph-rgw-tls-"));
    cluster = await startRgw({
      dir: path.join(dir, "cluster"),
      timeoutMs: 240_000,
      env: {
        RGW_PORT: String(PORTS.plain),
        RGW_MON_V2_PORT: String(PORTS.monV2),
        RGW_MON_V1_PORT: String(PORTS.monV1),
        RGW_SKIP_INSTALL: "1",
        RGW_MEMSTORE_BYTES: String(512 * 1024 * 1024),
        RGW_EXTRA_CONF: `rgw frontends = beast endpoint=127.0.0.1:${PORTS.plain} ssl_endpoint=127.0.0.1:${PORTS.tls} ssl_certificate=${serving.certFile} ssl_private_key=${serving.keyFile} tcp_nodelay=1`,
      },
    });
    tlsEndpoint = `https://127.0.0.1:${PORTS.tls}`;
    await adminS3Client(cluster).send(new CreateBucketCommand({ Bucket: bucket }));
  });
  afterAll(async () => {
    for (const proxy of proxies) await proxy.close(100);
    if (cluster !== undefined) await stopRgw({ dir: cluster.dir });
    rmSync(dir, { recursive: true, force: true });
    rgwCa?.remove();
  });

  const proxyFor = async (env: NodeJS.ProcessEnv): Promise<RunningProxy> => {
    const proxy = await startProxy({
      ...testProxyOptions(tlsEndpoint, { S3PROXY_BUCKETS: bucket, ...env }, []),
      upstreamCredentials: { accessKeyId: cluster.accessKeyId, secretAccessKey: cluster.secretAccessKey },
    });
    proxies.push(proxy);
    return proxy;
  };

  it("runs Convex's whole S3 sequence with its defaults through the proxy to RGW's TLS port, trusting RGW's CA from S3PROXY_UPSTREAM_CA_FILE", async () => {
    const proxy = await proxyFor({ S3PROXY_UPSTREAM_CA_FILE: rgwCa.caFile });
    expect((await fetch(`${proxy.url}/readyz`)).status).toBe(200);
    const body = randomBytes(5 * 1024 * 1024 + 3);
    const result = await runConvexS3Sequence({
      target: { endpoint: proxy.url, accessKeyId: PROXY_CLIENT_CREDENTIALS.accessKeyId, secretAccessKey: PROXY_CLIENT_CREDENTIALS.secretAccessKey },
      bucket,
      key: "tls-upstream/sequence.bin",
      body,
    });
    expect(result.parts.length).toBe(2);
    expect(result.checksumCrc32).toBe(result.expectedCompositeCrc32);
    expect(result.head.contentLength).toBe(body.length);
  });

  it("refuses to talk to an upstream whose certificate it cannot verify (no CA given: readiness fails, requests get 503)", async () => {
    const proxy = await proxyFor({});
    const ready = await fetch(`${proxy.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.text()).toBe("not ready: upstream unreachable (UNABLE_TO_VERIFY_LEAF_SIGNATURE)\n");
  });

  it("refuses an upstream certified by another CA than the one given (a CA for the wrong store does not open it)", async () => {
    const otherCa = createTestCa("another CA");
    try {
      const proxy = await proxyFor({ S3PROXY_UPSTREAM_CA_FILE: otherCa.caFile });
      expect((await fetch(`${proxy.url}/readyz`)).status).toBe(503);
    } finally {
      otherCa.remove();
    }
  });

  it("keeps the public roots trusted beside the private CA", () => {
    const options = loadProxyOptions({ ...envOf(tlsEndpoint), S3PROXY_UPSTREAM_CA_FILE: rgwCa.caFile });
    const agent = createUpstreamAgent(options) as unknown as { options: { ca: string[] } };
    expect(agent.options.ca).toEqual([...tls.rootCertificates, rgwCa.caPem]);
    expect(agent.options.ca.length).toBeGreaterThan(100);
  });
});

function envOf(upstream: string): NodeJS.ProcessEnv {
  return {
    S3PROXY_UPSTREAM_URL: upstream,
    S3PROXY_UPSTREAM_ACCESS_KEY_ID: "K",
    S3PROXY_UPSTREAM_SECRET_ACCESS_KEY: "S",
    S3PROXY_ACCESS_KEY_ID: "C",
    S3PROXY_SECRET_ACCESS_KEY: "D",
    S3PROXY_BUCKETS: "convex-files",
  };
}
