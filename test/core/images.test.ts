import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  CONVEX_RELEASE_PATTERN,
  convexImages,
  DATABASE_CLIENTS,
  DEFAULT_CONVEX_RELEASE,
  IMAGE_DIGEST_PATTERN,
  IMAGE_REFERENCE_PATTERN,
  MINIO_IMAGE,
  MYSQL_CLIENT_IMAGE,
  MYSQL_SERVER_IMAGE,
  NODE_IMAGE,
  POSTGRES_CLIENT_IMAGE,
  PINNED_IMAGE_PATTERN,
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

  it("reads image references by distribution/reference's grammar, and knows a pinned one by its tag or digest", () => {
    const hex = "0123456789abcdef".repeat(4);
    // [reference, is a reference, is pinned]
    const cases: [string, boolean, boolean][] = [
      ["node:24", true, true],
      ["localhost:5000/a/b:c", true, true],
      ["Registry-1.Example.com/x:1", true, true],
      ["r.io/a/b/c:1", true, true],
      ["a.b:5000/c:1", true, true],
      ["ab.cd_ef-gh:1", true, true],
      ["r/a.b_c:1", true, true],
      ["r/ab.cd__ef--gh:1", true, true],
      ["r/ab/cd.ef:1", true, true],
      ["r/ab/cd--ef:1", true, true],
      ["a__b:1", true, true],
      ["a-b--c:1", true, true],
      ["a.b_c:1", true, true],
      [`x@sha256:${hex}`, true, true],
      [`r.io:443/x:1.2@sha256:${hex}`, true, true],
      ["a:_tag", true, true],
      ["a0:A.b-c_9", true, true],
      [`a:${"t".repeat(128)}`, true, true],
      ["node", true, false],
      ["a/b", true, false],
      ["r:5000/a", true, false],
      [`a:${"t".repeat(129)}`, false, false],
      ["node:", false, false],
      ["node:-1", false, false],
      ["a:1 ", false, false],
      ["a@sha256:", false, false],
      ["Node:24", false, true],
      [":24", false, true],
      ["-a:1", false, true],
      ["a-:1", false, true],
      ["a..b:1", false, true],
      ["a___b:1", false, true],
      ["a_-b:1", false, true],
      ["a//b:1", false, true],
      ["/a:1", false, true],
      ["a/:1", false, true],
      ["a:t:u", false, true],
      ["reg-.io/a:1", false, true],
      ["-reg.io/a:1", false, true],
      ["r..io/a:1", false, true],
      ["reg.io:port/a:1", false, true],
      ["r.io:/a:1", false, true],
      ["node@sha256:abc", false, true], // ":abc" reads as a tag: the reference rule refuses it
      [`node:24@sha256:${hex.slice(1)}`, false, true],
      [`a:t@sha256:${"A".repeat(64)}`, false, true],
    ];
    expect(cases.map(([ref]) => [ref, IMAGE_REFERENCE_PATTERN.test(ref), PINNED_IMAGE_PATTERN.test(ref)])).toEqual(cases);
  });

  it("knows an image digest: sha256: and exactly 64 lower-case hex digits", () => {
    expect(IMAGE_DIGEST_PATTERN.test(`sha256:${"0123456789abcdef".repeat(4)}`)).toBe(true);
    for (const digest of [`sha256:${"a".repeat(63)}`, `sha256:${"a".repeat(65)}`, `sha256:${"A".repeat(64)}`, `sha256:${"g".repeat(64)}`, `sha512:${"a".repeat(64)}`, `xsha256:${"a".repeat(64)}`, `sha256:${"a".repeat(64)}x`]) {
      expect(IMAGE_DIGEST_PATTERN.test(digest)).toBe(false);
    }
  });
});
