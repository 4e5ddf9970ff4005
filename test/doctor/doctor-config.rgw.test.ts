/**
 * The doctor on a workspace's own configuration, against the real RGW: `--config` with the project's YAML file (the
 * settings come from lib/core's loader and planner, exactly what the stacks give the backend), `--backend-env` with
 * the backend's own environment, and the addressing probe with a name instead of an IP address.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { checkAddressing } from "../../doctor/src/addressing.ts";
import { convexS3Client, MISSING_CRC32_MESSAGE } from "../../doctor/src/convex-s3-sequence.ts";
import type { Lookup } from "../../doctor/src/reachability.ts";
import { runDoctor } from "../../doctor/src/run.ts";
import { runDoctorInProcess } from "../support/doctor-cli.ts";
import { describeWithRgw, useTestBucket } from "../support/rgw.ts";

/** `localhost` and every `*.localhost` name is 127.0.0.1 (no DNS query leaves the machine). */
const loopbackLookup: Lookup = async (hostname) => {
  if (hostname === "localhost" || hostname.endsWith(".localhost")) return [{ address: "127.0.0.1", family: 4 }];
  throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: "ENOTFOUND" });
};

describeWithRgw("the doctor on a workspace's configuration", (rgw) => {
  const bucket = useTestBucket("doctor-config");
  const cephMajor = Number(rgw.cephVersion.split(".")[0]);
  let dir: string;
  const yaml = (name: string, profile: string) => {
    const file = path.join(dir, `${name}.yaml`);
    writeFileSync(
      file,
      [
        "workspace: { name: alice-dev }",
        "storage:",
        "  mode: s3",
        "  bucket:",
        "    kind: external",
        `    endpoint: ${rgw.endpoint}`,
        `    bucketName: ${bucket.current.name}`,
        `    profile: ${profile}`,
        `    credentialsFile: ${path.join(dir, "keys.env")}`,
        "",
      ].join("\n"),
    );
    return file;
  };
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), "doctor-config-"));
    writeFileSync(path.join(dir, "keys.env"), `AWS_ACCESS_KEY_ID=${rgw.accessKeyId}\nAWS_SECRET_ACCESS_KEY=${rgw.secretAccessKey}\n`, { mode: 0o600 });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("--config, s3 mode, rgw profile: the settings the stack emits work; exit 0", async () => {
    const outcome = await runDoctorInProcess(["--config", yaml("rgw", "rgw"), "--json"], {});
    expect(outcome.stderr).toBe(`doctor: checking ${rgw.endpoint}, bucket ${bucket.current.name} (a few seconds; Ctrl-C stops it and cleans up)\n`);
    const report = JSON.parse(outcome.stdout);
    expect(report.verdict.configured).toMatchObject({
      mode: "s3",
      works: true,
      summary: "s3 with AWS_S3_FORCE_PATH_STYLE=true AWS_S3_DISABLE_SSE=true AWS_S3_DISABLE_CHECKSUMS=true AWS_REQUEST_CHECKSUM_CALCULATION=WHEN_REQUIRED will work",
    });
    expect(report.verdict.configured.source).toMatch(/rgw\.yaml \(storage\.mode s3, bucket external, profile rgw\)$/);
    expect(outcome.code).toBe(0);
    expect(outcome.stdout).not.toContain(rgw.secretAccessKey);
  });

  it("--config, s3 mode, aws profile (no compatibility flag): will NOT work, says what to add; exit 1", async () => {
    const outcome = await runDoctorInProcess(["--config", yaml("aws", "aws")], {});
    expect(outcome.code).toBe(1);
    const flags = cephMajor <= 18 ? "AWS_S3_DISABLE_SSE=true AWS_S3_DISABLE_CHECKSUMS=true" : "AWS_S3_DISABLE_SSE=true";
    expect(outcome.stdout).toContain(
      `s3 with Convex's defaults (no flag) will NOT work: CreateMultipartUpload: Failed to create multipart upload: service error: unhandled error (${cephMajor <= 18 ? "InvalidRequest" : "InvalidArgument"}); add ${flags}, or use proxied`,
    );
  });

  it("--config with STORAGE_MODE=proxied: proxied will work; exit 0", async () => {
    const outcome = await runDoctorInProcess(["--config", yaml("proxied", "rgw")], { STORAGE_MODE: "proxied" });
    expect(outcome.stdout).toContain("OK: Configured (");
    expect(outcome.stdout).toContain("(storage.mode proxied, bucket external, profile rgw)): proxied will work");
    expect(outcome.code).toBe(0);
  });

  it("--backend-env: AWS_S3_DISABLE_CHECKSUMS=1 stays off in Convex, so the configured environment fails; exit 1", async () => {
    const env = {
      S3_ENDPOINT_URL: rgw.endpoint,
      AWS_REGION: "us-east-1",
      S3_STORAGE_EXPORTS_BUCKET: bucket.current.name,
      S3_STORAGE_SNAPSHOT_IMPORTS_BUCKET: bucket.current.name,
      S3_STORAGE_MODULES_BUCKET: bucket.current.name,
      S3_STORAGE_FILES_BUCKET: bucket.current.name,
      S3_STORAGE_SEARCH_BUCKET: bucket.current.name,
      AWS_ACCESS_KEY_ID: rgw.accessKeyId,
      AWS_SECRET_ACCESS_KEY: rgw.secretAccessKey,
      AWS_S3_FORCE_PATH_STYLE: "true",
      AWS_S3_DISABLE_SSE: "true",
      AWS_S3_DISABLE_CHECKSUMS: "1",
    };
    const outcome = await runDoctorInProcess(["--backend-env", "--json"], env);
    const report = JSON.parse(outcome.stdout);
    expect(report.checks.find((check: { id: string }) => check.id === "flag-AWS_S3_DISABLE_CHECKSUMS")).toMatchObject({ status: "warn", detail: 'is "1"' });
    if (cephMajor <= 18) {
      expect(outcome.code).toBe(1);
      expect(report.verdict.configured.summary).toBe(
        `s3 with AWS_S3_FORCE_PATH_STYLE=true AWS_S3_DISABLE_SSE=true will NOT work: UploadPart #1: ${MISSING_CRC32_MESSAGE}; add AWS_S3_DISABLE_CHECKSUMS=true, or use proxied`,
      );
    }
    expect(outcome.stdout).not.toContain(rgw.secretAccessKey);
    expect(outcome.stdout).not.toContain(rgw.accessKeyId);
  });

  it("a host name RGW does not route by: virtual-host fails, so the verdict adds AWS_S3_FORCE_PATH_STYLE=true", async () => {
    const endpoint = rgw.endpoint.replace("127.0.0.1", "localhost");
    const report = await runDoctor({
      endpoint,
      bucket: bucket.current.name,
      region: "us-east-1",
      keys: { accessKeyId: rgw.accessKeyId, secretAccessKey: rgw.secretAccessKey },
      requestTimeoutMs: 5_000,
      lookup: loopbackLookup,
    });
    const virtualHost = report.checks.find((check) => check.id === "virtual-host");
    expect(virtualHost?.status).toBe("warn");
    expect(virtualHost?.detail).toContain(`${bucket.current.name}.localhost resolves, but GET of the probe object via it answered`);
    expect(report.verdict.modes[0]?.env).toMatchObject({ AWS_S3_FORCE_PATH_STYLE: "true", AWS_S3_DISABLE_SSE: "true" });
    expect(report.verdict.exitCode).toBe(0);
  });

  it("a bucket host name that does not resolve: virtual-host addressing cannot work", async () => {
    const endpoint = new URL(rgw.endpoint.replace("127.0.0.1", "localhost"));
    const client = convexS3Client({ endpoint: endpoint.origin, accessKeyId: rgw.accessKeyId, secretAccessKey: rgw.secretAccessKey });
    const onlyLocalhost: Lookup = (hostname) => (hostname === "localhost" ? loopbackLookup(hostname) : loopbackLookup("nothing.invalid"));
    const result = await checkAddressing({
      client,
      endpoint,
      region: "us-east-1",
      bucket: bucket.current.name,
      keys: { accessKeyId: rgw.accessKeyId, secretAccessKey: rgw.secretAccessKey },
      prefix: "convex-doctor/test-",
      timeoutMs: 2_000,
      lookup: onlyLocalhost,
      systemResolver: false,
    });
    client.destroy();
    expect(result.needsPathStyle).toBe(true);
    expect(result.checks[1]).toMatchObject({
      status: "warn",
      detail: `${bucket.current.name}.localhost does not resolve (ENOTFOUND): Convex's default virtual-host addressing cannot reach the bucket`,
      fix: "set AWS_S3_FORCE_PATH_STYLE=true (the project's s3 mode does for the rgw and minio profiles)",
    });
  });
});
