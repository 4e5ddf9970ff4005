import { describe, expect, it } from "vitest";
import { Bucket } from "../../lib/core/bucket.ts";
import { ConfigError } from "../../lib/core/errors.ts";
import { Storage } from "../../lib/core/storage.ts";

/** The one problem a factory reports, as `field: got value; fix`. */
function problem(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError && error.issues.length === 1) return `${error.issues[0]?.field}: got ${error.issues[0]?.value}; ${error.issues[0]?.fix}`;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

const external = { endpoint: "https://s3.example.com", bucketName: "alice-convex", credentialsSecretName: "alice-s3" };
const BUCKET_NAME_RULE = "use an S3 bucket name: 3-63 lower-case letters, digits, '.' or '-'";
const ENDPOINT_RULE = "use an http:// or https:// URL with a host and no path, e.g. https://s3.example.com";

describe("Bucket.objectBucketClaim", () => {
  it("defaults: Rook's bucket StorageClass, the rgw profile, no quotas", () => {
    const b = Bucket.objectBucketClaim();
    expect({ kind: b.kind, profile: b.profile, storageClassName: b.storageClassName, maxSize: b.maxSize, maxObjects: b.maxObjects }).toEqual({
      kind: "objectBucketClaim",
      profile: "rgw",
      storageClassName: "rook-ceph-bucket",
      maxSize: undefined,
      maxObjects: undefined,
    });
  });

  it("keeps the StorageClass and quotas it is given", () => {
    const b = Bucket.objectBucketClaim({ storageClassName: "fast-bucket", maxSize: "1.5Gi", maxObjects: "1000" });
    expect([b.storageClassName, b.maxSize, b.maxObjects]).toEqual(["fast-bucket", "1.5Gi", "1000"]);
    for (const maxSize of ["2", "2G", "500Mi", "3E", "1.25Gi", "12"]) expect(Bucket.objectBucketClaim({ maxSize }).maxSize).toBe(maxSize);
  });

  it("fails if the StorageClass is empty", () => {
    expect(problem(() => Bucket.objectBucketClaim({ storageClassName: "" }))).toBe(`storage.bucket.storageClassName: got ""; name the bucket StorageClass, e.g. 'rook-ceph-bucket'`);
  });

  it("fails if maxSize is not a whole quantity string", () => {
    for (const maxSize of ["two gigs", "2 G", "G2", "2Gx", "2.G", "x2G", "-2G", "2K"]) {
      expect(problem(() => Bucket.objectBucketClaim({ maxSize }))).toBe(`storage.bucket.maxSize: got ${JSON.stringify(maxSize)}; use a quantity string such as "2G" or "500Mi"`);
    }
  });

  it("fails if maxObjects is not a positive whole number", () => {
    for (const maxObjects of ["0", "01", "1e3", "-1", "10 ", " 10", "x10"]) {
      expect(problem(() => Bucket.objectBucketClaim({ maxObjects }))).toBe(`storage.bucket.maxObjects: got ${JSON.stringify(maxObjects)}; use a positive whole number as a string, e.g. "1000"`);
    }
  });
});

describe("Bucket.external", () => {
  it("defaults: the AWS key names in the Secret and the rgw profile", () => {
    const b = Bucket.external(external);
    expect({ ...b }).toEqual({
      kind: "external",
      profile: "rgw",
      endpoint: "https://s3.example.com",
      bucketName: "alice-convex",
      credentialsSecretName: "alice-s3",
      accessKeyIdKey: "AWS_ACCESS_KEY_ID",
      secretAccessKeyKey: "AWS_SECRET_ACCESS_KEY",
      dockerCredentials: undefined,
    });
  });

  it("keeps the key names, profile and Docker keys it is given", () => {
    const dockerCredentials = { kind: "file", path: "/keys.env" } as const;
    const b = Bucket.external({ ...external, accessKeyIdKey: "id", secretAccessKeyKey: "secret", profile: "aws", dockerCredentials });
    expect([b.accessKeyIdKey, b.secretAccessKeyKey, b.profile, b.dockerCredentials]).toEqual(["id", "secret", "aws", dockerCredentials]);
  });

  it("accepts http and https endpoints with a port or a trailing slash", () => {
    for (const endpoint of ["http://127.0.0.1:7480", "https://s3.example.com/", "http://minio:9000"]) expect(Bucket.external({ ...external, endpoint }).endpoint).toBe(endpoint);
  });

  it("fails if the endpoint is not an http(s) URL with a host and no path", () => {
    for (const endpoint of ["s3.example.com", "ftp://s3.example.com", "https://", "https://s3.example.com/bucket", "https://s3.example.com//", "https://s3 example.com", "xhttps://s3.example.com", "https://s3.example.com\n"]) {
      expect(problem(() => Bucket.external({ ...external, endpoint }))).toBe(`storage.bucket.endpoint: got ${JSON.stringify(endpoint)}; ${ENDPOINT_RULE}`);
    }
  });

  it("accepts S3 bucket names of 3 to 63 characters", () => {
    for (const bucketName of ["abc", "a.b-c", "0ab", "a".repeat(63)]) expect(Bucket.external({ ...external, bucketName }).bucketName).toBe(bucketName);
  });

  it("fails if the bucket name is not an S3 bucket name", () => {
    for (const bucketName of ["ab", "a".repeat(64), "Alice", "-abc", "abc-", ".abc", "abc.", "a_bc", "xabc\n"]) {
      expect(problem(() => Bucket.external({ ...external, bucketName }))).toBe(`storage.bucket.bucketName: got ${JSON.stringify(bucketName)}; ${BUCKET_NAME_RULE}`);
    }
  });
});

describe("Bucket.minio", () => {
  it("defaults: a bucket called convex and the minio profile", () => {
    expect({ ...Bucket.minio() }).toEqual({ kind: "minio", profile: "minio", bucketName: "convex" });
    expect(Bucket.minio({ bucketName: "files" }).bucketName).toBe("files");
  });

  it("fails if the bucket name is not an S3 bucket name", () => {
    expect(problem(() => Bucket.minio({ bucketName: "No" }))).toBe(`storage.bucket.bucketName: got "No"; ${BUCKET_NAME_RULE}`);
  });
});

describe("Storage", () => {
  it("local, s3 and proxied carry their mode, bucket and SSE policy", () => {
    const bucket = Bucket.objectBucketClaim();
    expect({ ...Storage.local() }).toEqual({ mode: "local" });
    expect({ ...Storage.s3(bucket) }).toEqual({ mode: "s3", bucket });
    expect({ ...Storage.proxied(bucket) }).toEqual({ mode: "proxied", bucket, sse: "strip" });
    expect(Storage.proxied(bucket, { sse: "reject" }).sse).toBe("reject");
  });
});
