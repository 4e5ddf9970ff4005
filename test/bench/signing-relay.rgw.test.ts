/**
 * The signing floor of `npm run bench:signing-floor` (bench/lib/signing-relay.ts) is only a fair floor if it does
 * the SigV4 work it stands for: it must carry correctly signed requests to RGW under its own signature, and refuse
 * a forged one before anything reaches RGW.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, expect, it } from "vitest";
import { buildSigningRelayBundle, startProxyProcess, type ProxyProcess } from "../../bench/lib/proxy-process.ts";
import { REPO_ROOT } from "../support/proxy-process.ts";
import { describeWithRgw, useTestBucket } from "../support/rgw.ts";

const CLIENT = { accessKeyId: "FLOORTESTCLIENT", secretAccessKey: "floor-test-client-secret-0123456789" };

describeWithRgw("the benchmark's signing floor in front of RGW", (rgw) => {
  const bucket = useTestBucket("signing-floor");
  const dir = mkdtempSync(path.join(tmpdir(), "signing-floor-"));
  let relay: ProxyProcess;
  const client = (secretAccessKey: string): S3Client =>
    new S3Client({ endpoint: relay.endpoint, region: rgw.region, forcePathStyle: true, maxAttempts: 1, credentials: { accessKeyId: CLIENT.accessKeyId, secretAccessKey } });
  beforeAll(async () => {
    const bundle = await buildSigningRelayBundle(REPO_ROOT, path.join(dir, "signing-relay.mjs"));
    relay = await startProxyProcess({
      bundle,
      upstream: rgw,
      clientAccessKeyId: CLIENT.accessKeyId,
      clientSecretAccessKey: CLIENT.secretAccessKey,
      buckets: [bucket.current.name],
      logFile: path.join(dir, "relay.log"),
    });
  }, 120_000);
  afterAll(async () => {
    await relay?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("carries a PutObject and a GetObject signed with the client's keys to RGW, re-signed with RGW's", async () => {
    const s3 = client(CLIENT.secretAccessKey);
    try {
      await s3.send(new PutObjectCommand({ Bucket: bucket.current.name, Key: "a/b c.txt", Body: "through the floor" }));
      const got = await s3.send(new GetObjectCommand({ Bucket: bucket.current.name, Key: "a/b c.txt" }));
      expect(await got.Body?.transformToString()).toBe("through the floor");
    } finally {
      s3.destroy();
    }
    const direct = await bucket.current.client.send(new HeadObjectCommand({ Bucket: bucket.current.name, Key: "a/b c.txt" }));
    expect(direct.ContentLength).toBe("through the floor".length);
  });

  it("refuses a PutObject signed with the wrong secret (403), and RGW never sees it", async () => {
    const forger = client("not-the-client-secret-0123456789");
    try {
      await expect(forger.send(new PutObjectCommand({ Bucket: bucket.current.name, Key: "forged", Body: "x" }))).rejects.toMatchObject({
        $metadata: { httpStatusCode: 403 },
      });
    } finally {
      forger.destroy();
    }
    await expect(bucket.current.client.send(new HeadObjectCommand({ Bucket: bucket.current.name, Key: "forged" }))).rejects.toMatchObject({
      $metadata: { httpStatusCode: 404 },
    });
  });
});
