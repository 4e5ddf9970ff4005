import { describe, expect, it } from "vitest";
import { assertS3AllOrNone, backendEnvironment, S3_SELECTION_VARIABLES, type BackendEnvInput } from "../../lib/core/backend-env.ts";
import { Bucket } from "../../lib/core/bucket.ts";
import { entry, envToRecord, ref } from "../../lib/core/env.ts";
import { Storage, type AnyStorage } from "../../lib/core/storage.ts";

const base: Omit<BackendEnvInput, "storage"> = {
  instanceName: "convex-alice-dev",
  cloudOrigin: "https://api.alice.example.com",
  siteOrigin: "https://site.alice.example.com",
  region: "us-east-1",
};

const common = {
  INSTANCE_NAME: "convex-alice-dev",
  INSTANCE_SECRET: "<ref:instanceSecret>",
  CONVEX_CLOUD_ORIGIN: "https://api.alice.example.com",
  CONVEX_SITE_ORIGIN: "https://site.alice.example.com",
};

/** Every variable the backend reads as a boolean: the presence flags and the S3 compatibility flags. */
const BOOLEAN_VARIABLES = ["DISABLE_BEACON", "REDACT_LOGS_TO_CLIENT", "DO_NOT_REQUIRE_SSL", "AWS_S3_FORCE_PATH_STYLE", "AWS_S3_DISABLE_SSE", "AWS_S3_DISABLE_CHECKSUMS"];

const fiveBuckets = (value: string) => ({
  S3_STORAGE_EXPORTS_BUCKET: value,
  S3_STORAGE_SNAPSHOT_IMPORTS_BUCKET: value,
  S3_STORAGE_MODULES_BUCKET: value,
  S3_STORAGE_FILES_BUCKET: value,
  S3_STORAGE_SEARCH_BUCKET: value,
});

describe("backendEnvironment", () => {
  it("local: sets no AWS_* or S3_* variable at all", () => {
    const env = backendEnvironment({ ...base, storage: Storage.local() });
    expect(envToRecord(env)).toEqual(common);
    expect(env.map((e) => e.name).filter((n) => /^(AWS_|S3_)/.test(n))).toEqual([]);
  });

  it("s3 with a Rook claim: the exact environment, endpoint composed from BUCKET_HOST and BUCKET_PORT", () => {
    const env = backendEnvironment({ ...base, storage: Storage.s3(Bucket.objectBucketClaim()) });
    expect(envToRecord(env)).toEqual({
      ...common,
      AWS_REGION: "us-east-1",
      ...fiveBuckets("<ref:bucketName>"),
      BUCKET_HOST: "<ref:bucketHost>",
      BUCKET_PORT: "<ref:bucketPort>",
      S3_ENDPOINT_URL: "http://$(BUCKET_HOST):$(BUCKET_PORT)",
      AWS_ACCESS_KEY_ID: "<ref:bucketAccessKeyId>",
      AWS_SECRET_ACCESS_KEY: "<ref:bucketSecretAccessKey>",
      AWS_S3_FORCE_PATH_STYLE: "true",
      AWS_S3_DISABLE_SSE: "true",
      AWS_S3_DISABLE_CHECKSUMS: "true",
      AWS_REQUEST_CHECKSUM_CALCULATION: "WHEN_REQUIRED",
    });
    // Kubernetes expands $(VAR) only for variables defined earlier in the list.
    const names = env.map((e) => e.name);
    expect(names.indexOf("BUCKET_HOST")).toBeLessThan(names.indexOf("S3_ENDPOINT_URL"));
    expect(names.indexOf("BUCKET_PORT")).toBeLessThan(names.indexOf("S3_ENDPOINT_URL"));
  });

  it("s3 with an external AWS bucket: the aws profile leaves the compatibility flags off", () => {
    const bucket = Bucket.external({ endpoint: "https://s3.eu-west-1.amazonaws.com", bucketName: "alice-convex", credentialsSecretName: "alice-s3", profile: "aws" });
    const env = backendEnvironment({ ...base, storage: Storage.s3(bucket) });
    expect(envToRecord(env)).toEqual({
      ...common,
      AWS_REGION: "us-east-1",
      ...fiveBuckets("alice-convex"),
      S3_ENDPOINT_URL: "https://s3.eu-west-1.amazonaws.com",
      AWS_ACCESS_KEY_ID: "<ref:bucketAccessKeyId>",
      AWS_SECRET_ACCESS_KEY: "<ref:bucketSecretAccessKey>",
    });
  });

  it("s3 with MinIO: SSE and checksums off, path-style on", () => {
    const env = envToRecord(backendEnvironment({ ...base, storage: Storage.s3(Bucket.minio()), minioEndpoint: "http://convex-alice-minio:9000" }));
    expect(env.S3_ENDPOINT_URL).toBe("http://convex-alice-minio:9000");
    expect(env.AWS_S3_DISABLE_SSE).toBe("true");
    expect(env.AWS_S3_FORCE_PATH_STYLE).toBe("true");
    expect(env.S3_STORAGE_FILES_BUCKET).toBe("convex");
  });

  it("proxied: the proxy's endpoint and keys, and Convex's AWS defaults (no DISABLE flag)", () => {
    const env = backendEnvironment({ ...base, storage: Storage.proxied(Bucket.objectBucketClaim()), proxyEndpoint: "http://convex-alice-s3-proxy.convex.svc:8333" });
    expect(envToRecord(env)).toEqual({
      ...common,
      AWS_REGION: "us-east-1",
      ...fiveBuckets("<ref:bucketName>"),
      S3_ENDPOINT_URL: "http://convex-alice-s3-proxy.convex.svc:8333",
      AWS_ACCESS_KEY_ID: "<ref:proxyAccessKeyId>",
      AWS_SECRET_ACCESS_KEY: "<ref:proxySecretAccessKey>",
      AWS_S3_FORCE_PATH_STYLE: "true",
    });
  });

  it("fails if proxied mode is given no proxy endpoint", () => {
    expect(() => backendEnvironment({ ...base, storage: Storage.proxied(Bucket.objectBucketClaim()) })).toThrow(
      "storage mode 'proxied' needs the proxy's endpoint: pass proxyEndpoint to backendEnvironment",
    );
  });

  it("emits every boolean as the literal string 'true' (Convex parses anything else as false)", () => {
    const flags = { disableBeacon: true, redactLogsToClient: true, doNotRequireSsl: true };
    const booleans = (env: Record<string, string>) => Object.fromEntries(Object.entries(env).filter(([name]) => BOOLEAN_VARIABLES.includes(name)));
    const s3 = envToRecord(backendEnvironment({ ...base, storage: Storage.s3(Bucket.objectBucketClaim()), flags }));
    expect(booleans(s3)).toEqual({
      DISABLE_BEACON: "true",
      REDACT_LOGS_TO_CLIENT: "true",
      DO_NOT_REQUIRE_SSL: "true",
      AWS_S3_FORCE_PATH_STYLE: "true",
      AWS_S3_DISABLE_SSE: "true",
      AWS_S3_DISABLE_CHECKSUMS: "true",
    });
    const proxied = envToRecord(backendEnvironment({ ...base, storage: Storage.proxied(Bucket.objectBucketClaim()), proxyEndpoint: "http://proxy:8333", flags }));
    expect(booleans(proxied)).toEqual({ DISABLE_BEACON: "true", REDACT_LOGS_TO_CLIENT: "true", DO_NOT_REQUIRE_SSL: "true", AWS_S3_FORCE_PATH_STYLE: "true" });
  });

  it("presence flags appear only when true, never as 'false'", () => {
    const off = envToRecord(backendEnvironment({ ...base, storage: Storage.local(), flags: { disableBeacon: false, redactLogsToClient: false, doNotRequireSsl: false } }));
    expect(Object.keys(off)).not.toContain("DISABLE_BEACON");
    expect(Object.keys(off)).not.toContain("REDACT_LOGS_TO_CLIENT");
    expect(Object.keys(off)).not.toContain("DO_NOT_REQUIRE_SSL");
    const on = envToRecord(backendEnvironment({ ...base, storage: Storage.local(), flags: { disableBeacon: true, redactLogsToClient: true, doNotRequireSsl: true } }));
    expect(on).toMatchObject({ DISABLE_BEACON: "true", REDACT_LOGS_TO_CLIENT: "true", DO_NOT_REQUIRE_SSL: "true" });
  });

  it("sets AWS_REGION and the five bucket variables together in every mode", () => {
    const selection = (storage: AnyStorage) =>
      backendEnvironment({ ...base, storage, proxyEndpoint: "http://proxy:8333" })
        .map((e) => e.name)
        .filter((n) => n === "AWS_REGION" || /^S3_STORAGE_.*_BUCKET$/.test(n));
    const all = ["AWS_REGION", "S3_STORAGE_EXPORTS_BUCKET", "S3_STORAGE_SNAPSHOT_IMPORTS_BUCKET", "S3_STORAGE_MODULES_BUCKET", "S3_STORAGE_FILES_BUCKET", "S3_STORAGE_SEARCH_BUCKET"];
    expect(selection(Storage.local())).toEqual([]);
    expect(selection(Storage.s3(Bucket.objectBucketClaim()))).toEqual(all);
    expect(selection(Storage.proxied(Bucket.objectBucketClaim()))).toEqual(all);
  });
});

describe("environment entries", () => {
  it("a string is a literal value, a reference names what it refers to", () => {
    expect(entry("A", "x")).toEqual({ name: "A", value: { kind: "literal", value: "x" } });
    expect(entry("B", ref("bucketName"))).toEqual({ name: "B", value: { kind: "ref", ref: "bucketName" } });
    expect(envToRecord([entry("A", "x"), entry("B", ref("instanceSecret"))])).toEqual({ A: "x", B: "<ref:instanceSecret>" });
  });
});

describe("assertS3AllOrNone", () => {
  it("accepts none and all six", () => {
    expect(() => assertS3AllOrNone([entry("INSTANCE_NAME", "x")])).not.toThrow();
    expect(() => assertS3AllOrNone(S3_SELECTION_VARIABLES.map((n) => entry(n, ref("bucketName"))))).not.toThrow();
  });

  it("fails if only some of the six are set (silent fallback to local storage)", () => {
    expect(() => assertS3AllOrNone([entry("AWS_REGION", "us-east-1"), entry("S3_STORAGE_FILES_BUCKET", "b")])).toThrow(
      "partial S3 environment: AWS_REGION, S3_STORAGE_FILES_BUCKET set but S3_STORAGE_EXPORTS_BUCKET, S3_STORAGE_SNAPSHOT_IMPORTS_BUCKET, S3_STORAGE_MODULES_BUCKET, S3_STORAGE_SEARCH_BUCKET missing; Convex would silently fall back to local storage and lock its database there. Set all six or none.",
    );
  });

  it("fails if one of the six is set to an empty string", () => {
    const env = S3_SELECTION_VARIABLES.map((n) => entry(n, n === "AWS_REGION" ? "" : "bucket"));
    expect(() => assertS3AllOrNone(env)).toThrow(/AWS_REGION missing/);
  });
});
