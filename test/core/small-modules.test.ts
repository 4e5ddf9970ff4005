// Hand-written values for small lib/core modules that the mutation review found without a test of their own.
import { describe, expect, it } from "vitest";
import { backendEnvironment } from "../../lib/core/backend-env.ts";
import { databaseUrlIssues } from "../../lib/core/database.ts";
import { databaseInitStep } from "../../lib/core/database-init.ts";
import { InvariantError } from "../../lib/core/errors.ts";
import { convexImages } from "../../lib/core/images.ts";
import { managedVariableFix } from "../../lib/core/managed-env.ts";
import { MINIO_CONSOLE_PORT, MINIO_DATA_PATH, MINIO_LIVE_PATH, MINIO_PORT, MINIO_READY_PATH, minioStartScript } from "../../lib/core/minio.ts";
import { BACKEND_PORTS } from "../../lib/core/ports.ts";
import { Storage } from "../../lib/core/storage.ts";

describe("convexImages", () => {
  it("pins the release tag alone when no digest is given", () => {
    expect(convexImages("1.2.3")).toEqual({ backend: "ghcr.io/get-convex/convex-backend:1.2.3", dashboard: "ghcr.io/get-convex/convex-dashboard:1.2.3" });
    const digest = `sha256:${"a".repeat(64)}`;
    expect(convexImages("1.2.3", { backend: digest })).toEqual({ backend: `ghcr.io/get-convex/convex-backend:1.2.3@${digest}`, dashboard: "ghcr.io/get-convex/convex-dashboard:1.2.3" });
  });
});

describe("managedVariableFix", () => {
  it("names the setting for an exact name, for a managed prefix, and a generic fix otherwise", () => {
    expect(managedVariableFix("INSTANCE_NAME")).toBe("INSTANCE_NAME is set by the stack; remove it from convex.extraEnv (use convex.instanceName instead)");
    expect(managedVariableFix("AWS_PROFILE")).toBe("AWS_PROFILE is set by the stack; remove it from convex.extraEnv (use storage.mode, storage.region and storage.bucket instead)");
    expect(managedVariableFix("FOO")).toBe("FOO is set by the stack; remove it from convex.extraEnv (use its own setting instead)");
  });
});

describe("minioStartScript", () => {
  it("creates the bucket directory, then execs the server on its two ports, with a certificates directory when given", () => {
    const start = 'set -eu; mkdir -p "$MINIO_VOLUMES/$CONVEX_BUCKET"; exec minio server --address ":9000" --console-address ":9001"';
    expect(minioStartScript()).toBe(start);
    expect(minioStartScript("/certs")).toBe(`${start} --certs-dir "/certs"`);
  });
});

describe("MinIO's fixed values", () => {
  it("serves S3 on 9000 and its console on 9001 from /data, with MinIO's documented health endpoints", () => {
    expect({ MINIO_PORT, MINIO_CONSOLE_PORT, MINIO_DATA_PATH, MINIO_READY_PATH, MINIO_LIVE_PATH }).toEqual({
      MINIO_PORT: 9000,
      MINIO_CONSOLE_PORT: 9001,
      MINIO_DATA_PATH: "/data",
      MINIO_READY_PATH: "/minio/health/ready",
      MINIO_LIVE_PATH: "/minio/health/live",
    });
  });
});

describe("ports", () => {
  it("lists both backend ports", () => {
    expect(BACKEND_PORTS).toEqual([3210, 3211]);
  });
});

describe("databaseUrlIssues: the host", () => {
  it("fails on a URL without a host", () => {
    // Node's URL accepts an empty host for schemes it does not know (postgres:///x).
    expect(databaseUrlIssues("postgres", "postgres:///x", "database.url")).toContainEqual({ field: "database.url", value: '"postgres:///x"', fix: "put the server's host in the URL" });
  });
});

describe("databaseInitStep: Postgres", () => {
  it("runs psql with libpq's environment for a Postgres server", () => {
    const step = databaseInitStep("postgres", { database: "convex_a", urlSource: "s", requireSsl: false });
    expect(step.script).toContain("psql");
    expect(step.script).not.toContain("mysql");
    expect(step.env).toEqual({ CONVEX_DATABASE: "convex_a", PGDATABASE: "postgres", PGCONNECT_TIMEOUT: "10", PGSSLMODE: "prefer", PGAPPNAME: "convex-database-init" });
  });
});

describe("backendEnvironment: extra variables", () => {
  it("refuses an extra variable that collides with one the stack sets (an invariant: the schema refuses it first)", () => {
    const input = { instanceName: "convex-alice-dev", cloudOrigin: "https://api.example.com", siteOrigin: "https://site.example.com", region: "us-east-1", storage: Storage.local() };
    expect(() => backendEnvironment({ ...input, extra: { INSTANCE_NAME: "x" } })).toThrow(InvariantError);
    expect(() => backendEnvironment({ ...input, extra: { INSTANCE_NAME: "x" } })).toThrow("extra variable INSTANCE_NAME collides with one the stack sets (the schema refuses it)");
    expect(backendEnvironment({ ...input, extra: { MY_FLAG: "1" } }).at(-1)).toEqual({ name: "MY_FLAG", value: { kind: "literal", value: "1" } });
  });
});
