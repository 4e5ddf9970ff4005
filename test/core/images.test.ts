import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  CONVEX_RELEASE_PATTERN,
  convexImages,
  DATABASE_CLIENTS,
  DEFAULT_CONVEX_RELEASE,
  MINIO_IMAGE,
  MYSQL_CLIENT_IMAGE,
  MYSQL_SERVER_IMAGE,
  NODE_IMAGE,
  POSTGRES_CLIENT_IMAGE,
  POSTGRES_SERVER_IMAGE,
} from "../../lib/core/images.ts";

const readme = readFileSync(join(import.meta.dirname, "..", "..", "README.md"), "utf8");

describe("image pins", () => {
  it("runs backend and dashboard from the same release, from Convex's registry", () => {
    expect(convexImages("0123456789abcdef0123456789abcdef01234567")).toEqual({
      backend: "ghcr.io/get-convex/convex-backend:0123456789abcdef0123456789abcdef01234567",
      dashboard: "ghcr.io/get-convex/convex-dashboard:0123456789abcdef0123456789abcdef01234567",
    });
  });

  it("accepts only a full 40-character lower-case commit SHA as a release", () => {
    expect(CONVEX_RELEASE_PATTERN.test("a".repeat(40))).toBe(true);
    for (const release of ["latest", "a".repeat(39), "a".repeat(41), "A".repeat(40), `x${"a".repeat(40)}`, `${"a".repeat(40)}x`, "g".repeat(40)]) {
      expect(CONVEX_RELEASE_PATTERN.test(release)).toBe(false);
    }
  });

  it("pins every default to an exact version, never a moving tag", () => {
    expect(DEFAULT_CONVEX_RELEASE).toMatch(/^[0-9a-f]{40}$/);
    expect(NODE_IMAGE).toMatch(/^node:2[0-9]\.[0-9]+\.[0-9]+-alpine[0-9]+\.[0-9]+$/);
    expect(MINIO_IMAGE).toMatch(/^quay\.io\/minio\/minio:RELEASE\.\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}Z$/);
  });

  it("pins each image to the exact tag the README's Pins table names, and the client images' non-root users", () => {
    const pins = {
      node: "node:24.22.3-alpine3.24",
      minio: "quay.io/minio/minio:RELEASE.2025-09-07T16-13-09Z",
      postgres: "postgres:17.11-alpine3.24",
      mysql: "mysql:8.4.11-oraclelinux9",
    };
    expect({ node: NODE_IMAGE, minio: MINIO_IMAGE, postgres: POSTGRES_CLIENT_IMAGE, mysql: MYSQL_CLIENT_IMAGE }).toEqual(pins);
    for (const pin of Object.values(pins)) expect(readme).toContain(`| \`${pin}\` |`);
    expect([POSTGRES_SERVER_IMAGE, MYSQL_SERVER_IMAGE]).toEqual([pins.postgres, pins.mysql]);
    expect(DATABASE_CLIENTS).toEqual({ postgres: { image: pins.postgres, uid: "70" }, mysql: { image: pins.mysql, uid: "999" } });
  });
});
