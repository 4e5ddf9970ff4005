import { describe, expect, it } from "vitest";
import { Bucket } from "../../lib/core/bucket.ts";
import { envToRecord } from "../../lib/core/env.ts";
import { proxyEnvironment } from "../../lib/core/proxy-env.ts";
import { Storage } from "../../lib/core/storage.ts";

const clientKeys = {
  S3PROXY_UPSTREAM_ACCESS_KEY_ID: "<ref:bucketAccessKeyId>",
  S3PROXY_UPSTREAM_SECRET_ACCESS_KEY: "<ref:bucketSecretAccessKey>",
  S3PROXY_ACCESS_KEY_ID: "<ref:proxyAccessKeyId>",
  S3PROXY_SECRET_ACCESS_KEY: "<ref:proxySecretAccessKey>",
};

describe("proxyEnvironment", () => {
  it("a Rook claim: the upstream composed from BUCKET_HOST and BUCKET_PORT, in order, and the claimed bucket", () => {
    const env = proxyEnvironment({ storage: Storage.proxied(Bucket.objectBucketClaim()), region: "eu-1" });
    expect(env.map((e) => e.name)).toEqual([
      "S3PROXY_LISTEN",
      "BUCKET_HOST",
      "BUCKET_PORT",
      "S3PROXY_UPSTREAM_URL",
      "S3PROXY_UPSTREAM_REGION",
      "S3PROXY_UPSTREAM_ACCESS_KEY_ID",
      "S3PROXY_UPSTREAM_SECRET_ACCESS_KEY",
      "S3PROXY_ACCESS_KEY_ID",
      "S3PROXY_SECRET_ACCESS_KEY",
      "S3PROXY_BUCKETS",
      "S3PROXY_SSE",
    ]);
    expect(envToRecord(env)).toEqual({
      S3PROXY_LISTEN: "0.0.0.0:8333",
      BUCKET_HOST: "<ref:bucketHost>",
      BUCKET_PORT: "<ref:bucketPort>",
      S3PROXY_UPSTREAM_URL: "http://$(BUCKET_HOST):$(BUCKET_PORT)",
      S3PROXY_UPSTREAM_REGION: "eu-1",
      ...clientKeys,
      S3PROXY_BUCKETS: "<ref:bucketName>",
      S3PROXY_SSE: "strip",
    });
  });

  it("an external bucket: its endpoint without the trailing slash, its name, and the SSE policy asked for", () => {
    const bucket = Bucket.external({ endpoint: "https://s3.example.com/", bucketName: "alice-convex", credentialsSecretName: "s" });
    expect(envToRecord(proxyEnvironment({ storage: Storage.proxied(bucket, { sse: "reject" }), region: "us-east-1" }))).toEqual({
      S3PROXY_LISTEN: "0.0.0.0:8333",
      S3PROXY_UPSTREAM_URL: "https://s3.example.com",
      S3PROXY_UPSTREAM_REGION: "us-east-1",
      ...clientKeys,
      S3PROXY_BUCKETS: "alice-convex",
      S3PROXY_SSE: "reject",
    });
  });

  it("a workspace MinIO: the MinIO endpoint", () => {
    const env = envToRecord(proxyEnvironment({ storage: Storage.proxied(Bucket.minio()), region: "us-east-1", minioEndpoint: "http://convex-alice-minio:9000" }));
    expect([env.S3PROXY_UPSTREAM_URL, env.S3PROXY_BUCKETS]).toEqual(["http://convex-alice-minio:9000", "convex"]);
  });

  it("fails if a MinIO bucket is given no MinIO endpoint", () => {
    expect(() => proxyEnvironment({ storage: Storage.proxied(Bucket.minio()), region: "us-east-1" })).toThrow("a MinIO bucket needs its endpoint: pass minioEndpoint");
  });
});
