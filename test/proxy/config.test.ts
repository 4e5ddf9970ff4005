import { describe, expect, it } from "vitest";
import { loadProxyOptions } from "../../proxy/src/config.ts";
import { ProxyConfigError } from "../../proxy/src/errors.ts";

const VALID = {
  S3PROXY_UPSTREAM_URL: "http://rook-ceph-rgw-store.rook-ceph.svc:80",
  S3PROXY_UPSTREAM_ACCESS_KEY_ID: "UPSTREAMKEY",
  S3PROXY_UPSTREAM_SECRET_ACCESS_KEY: "upstream-secret-value",
  S3PROXY_ACCESS_KEY_ID: "CLIENTKEY",
  S3PROXY_SECRET_ACCESS_KEY: "client-secret-value",
  S3PROXY_BUCKETS: "convex-files, convex-exports",
};

function problemsOf(env: NodeJS.ProcessEnv): readonly string[] {
  try {
    loadProxyOptions(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ProxyConfigError);
    return (error as ProxyConfigError).problems;
  }
  throw new Error("expected a ProxyConfigError");
}

describe("loadProxyOptions", () => {
  it("defaults", () => {
    const options = loadProxyOptions(VALID);
    expect(options.listen).toEqual({ host: "0.0.0.0", port: 8333 });
    expect(options.upstreamUrl.href).toBe("http://rook-ceph-rgw-store.rook-ceph.svc/");
    expect(options.upstreamRegion).toBe("us-east-1");
    expect(options.sse).toBe("strip");
    expect(options.upstreamChecksums).toBe("compute");
    expect(options.buckets).toEqual(["convex-files", "convex-exports"]);
    expect(options.maxClockSkewMs).toBe(900_000);
    expect(options.maxXmlBodyBytes).toBe(4 * 1024 * 1024);
    expect(options.upstreamCredentials).toEqual({ accessKeyId: "UPSTREAMKEY", secretAccessKey: "upstream-secret-value" });
    expect(options.clientCredentials).toEqual({ accessKeyId: "CLIENTKEY", secretAccessKey: "client-secret-value" });
  });

  it("reads every variable", () => {
    const options = loadProxyOptions({ ...VALID, S3PROXY_LISTEN: "[::1]:0", S3PROXY_UPSTREAM_REGION: "eu-1", S3PROXY_SSE: "passthrough", S3PROXY_UPSTREAM_CHECKSUMS: "passthrough" });
    expect(options.listen).toEqual({ host: "::1", port: 0 });
    expect(options.upstreamRegion).toBe("eu-1");
    expect(options.sse).toBe("passthrough");
    expect(options.upstreamChecksums).toBe("passthrough");
  });

  it("fails listing every missing variable at once", () => {
    const problems = problemsOf({});
    expect(problems).toEqual([
      "S3PROXY_UPSTREAM_URL is not set: set it to the S3 endpoint the proxy forwards to, e.g. http://rook-ceph-rgw-store.rook-ceph.svc:80",
      "S3PROXY_UPSTREAM_ACCESS_KEY_ID is not set: set it to the upstream S3 user's keys (e.g. from the ObjectBucketClaim's Secret)",
      "S3PROXY_UPSTREAM_SECRET_ACCESS_KEY is not set: set it to the upstream S3 user's keys (e.g. from the ObjectBucketClaim's Secret)",
      "S3PROXY_ACCESS_KEY_ID is not set: set it to the keys clients (Convex) sign their requests with",
      "S3PROXY_SECRET_ACCESS_KEY is not set: set it to the keys clients (Convex) sign their requests with",
      "S3PROXY_BUCKETS is not set: list the buckets clients may reach, comma-separated, e.g. convex-files,convex-exports",
    ]);
  });

  it("fails if S3PROXY_LISTEN is not host:port", () => {
    expect(problemsOf({ ...VALID, S3PROXY_LISTEN: "8333" })).toEqual([
      "S3PROXY_LISTEN is '8333': expected host:port with a port from 0 to 65535, e.g. 0.0.0.0:8333 or [::]:8333",
    ]);
    expect(problemsOf({ ...VALID, S3PROXY_LISTEN: "0.0.0.0:70000" })).toHaveLength(1);
  });

  it("fails if S3PROXY_SSE is not a policy", () => {
    expect(problemsOf({ ...VALID, S3PROXY_SSE: "encrypt" })).toEqual([
      "S3PROXY_SSE is 'encrypt': expected one of strip, reject, passthrough (default strip)",
    ]);
  });

  it("fails if S3PROXY_UPSTREAM_CHECKSUMS is not compute or passthrough", () => {
    expect(problemsOf({ ...VALID, S3PROXY_UPSTREAM_CHECKSUMS: "upstream" })).toEqual([
      "S3PROXY_UPSTREAM_CHECKSUMS is 'upstream': expected compute (the proxy computes and verifies checksums; Ceph RGW before Tentacle) or passthrough (the upstream does; RGW Tentacle and later, AWS) (default compute)",
    ]);
  });

  it("fails if the upstream URL has a path or user info, without showing the password", () => {
    expect(problemsOf({ ...VALID, S3PROXY_UPSTREAM_URL: "http://rgw:80/s3" })).toEqual([
      "S3PROXY_UPSTREAM_URL is 'http://rgw:80/s3': give only scheme, host and port (requests go path-style to /<bucket>/<key>)",
    ]);
    const problems = problemsOf({ ...VALID, S3PROXY_UPSTREAM_URL: "http://user:hunter2@rgw:80" });
    expect(problems.join("\n")).not.toContain("hunter2");
    expect(problems[0]).toContain("S3PROXY_UPSTREAM_URL");
  });

  it.each([
    ["ftp://rgw:2121", "ftp://rgw:2121/"],
    ["file:///etc/passwd", "file:///etc/passwd"],
    ["unix:/var/run/rgw.sock", "unix:///var/run/rgw.sock"],
  ])("fails if the upstream URL scheme is not http or https: %s", (url, shown) => {
    expect(problemsOf({ ...VALID, S3PROXY_UPSTREAM_URL: url })).toEqual([`S3PROXY_UPSTREAM_URL is '${shown}': the scheme must be http or https`]);
  });

  it("accepts an https upstream", () => {
    expect(loadProxyOptions({ ...VALID, S3PROXY_UPSTREAM_URL: "https://s3.example.test:443" }).upstreamUrl.protocol).toBe("https:");
  });

  it.each(["a..b", "convex..files"])("fails if a bucket name has two adjacent dots: %s", (name) => {
    expect(problemsOf({ ...VALID, S3PROXY_BUCKETS: name })).toEqual([`S3PROXY_BUCKETS names '${name}': a bucket name has no two adjacent dots; rename the bucket`]);
  });

  it.each(["-convex", "convex-", "ab", `${"a".repeat(64)}`, "con_vex"])("fails if a bucket name breaks the naming rules: %s", (name) => {
    expect(problemsOf({ ...VALID, S3PROXY_BUCKETS: name })).toEqual([
      `S3PROXY_BUCKETS names '${name}': a bucket name has 3 to 63 lower-case letters, digits, dots or hyphens and starts and ends with a letter or digit`,
    ]);
  });

  it("defaults the memory and time bounds", () => {
    expect(loadProxyOptions(VALID)).toMatchObject({
      upstreamResponseTimeoutMs: 30_000,
      headersTimeoutMs: 20_000,
      bodyTimeoutMs: 20_000,
      minBodyBytesPerSecond: 1_024,
      maxConcurrentRequests: 64,
      maxConcurrentUploads: 48,
    });
  });

  it("reads the memory and time bounds", () => {
    const options = loadProxyOptions({
      ...VALID,
      S3PROXY_UPSTREAM_RESPONSE_TIMEOUT_MS: "5000",
      S3PROXY_HEADERS_TIMEOUT_MS: "6000",
      S3PROXY_BODY_TIMEOUT_MS: "7000",
      S3PROXY_MIN_BODY_BYTES_PER_SECOND: "0",
      S3PROXY_MAX_CONCURRENT_REQUESTS: "10",
      S3PROXY_MAX_CONCURRENT_UPLOADS: "4",
    });
    expect(options).toMatchObject({ upstreamResponseTimeoutMs: 5000, headersTimeoutMs: 6000, bodyTimeoutMs: 7000, minBodyBytesPerSecond: 0, maxConcurrentRequests: 10, maxConcurrentUploads: 4 });
    // Fewer requests than the default uploads: the uploads default follows.
    expect(loadProxyOptions({ ...VALID, S3PROXY_MAX_CONCURRENT_REQUESTS: "8" }).maxConcurrentUploads).toBe(8);
  });

  it("fails if a bound is not a whole number in range, or uploads exceed requests", () => {
    expect(
      problemsOf({
        ...VALID,
        S3PROXY_BODY_TIMEOUT_MS: "20s",
        S3PROXY_HEADERS_TIMEOUT_MS: "0",
        S3PROXY_MAX_CONCURRENT_REQUESTS: "10",
        S3PROXY_MAX_CONCURRENT_UPLOADS: "11",
      }),
    ).toEqual([
      "S3PROXY_HEADERS_TIMEOUT_MS is '0': expected milliseconds, a whole number from 1 to 86400000 (default 20000)",
      "S3PROXY_BODY_TIMEOUT_MS is '20s': expected milliseconds, a whole number from 1 to 86400000 (default 20000)",
      "S3PROXY_MAX_CONCURRENT_UPLOADS is '11': it must not exceed S3PROXY_MAX_CONCURRENT_REQUESTS (10); lower it or raise S3PROXY_MAX_CONCURRENT_REQUESTS",
    ]);
  });

  it("fails if the region or an access key id has spaces or slashes", () => {
    expect(problemsOf({ ...VALID, S3PROXY_UPSTREAM_REGION: "us east", S3PROXY_ACCESS_KEY_ID: "a/b" })).toEqual([
      "S3PROXY_UPSTREAM_REGION is 'us east': a region has no spaces or slashes, e.g. us-east-1",
      "S3PROXY_ACCESS_KEY_ID is 'a/b': an access key id has no spaces or slashes",
    ]);
  });

  it("fails if a bucket name is invalid or reserved", () => {
    expect(problemsOf({ ...VALID, S3PROXY_BUCKETS: "Convex,healthz,,ok-bucket" })).toEqual([
      "S3PROXY_BUCKETS names 'Convex': a bucket name has 3 to 63 lower-case letters, digits, dots or hyphens and starts and ends with a letter or digit",
      "S3PROXY_BUCKETS names 'healthz': this path is reserved for the proxy's own healthz endpoint; rename the bucket",
      "S3PROXY_BUCKETS is 'Convex,healthz,,ok-bucket': it has an empty entry; separate bucket names with single commas",
    ]);
  });

  it("never shows a secret's value in its errors", () => {
    const problems = problemsOf({ ...VALID, S3PROXY_UPSTREAM_ACCESS_KEY_ID: undefined, S3PROXY_SSE: "nope" });
    const text = problems.join("\n");
    expect(text).not.toContain("upstream-secret-value");
    expect(text).not.toContain("client-secret-value");
    expect(problems).toHaveLength(2);
  });
});
