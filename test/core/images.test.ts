import { describe, expect, it } from "vitest";
import { CONVEX_RELEASE_PATTERN, convexImages, DEFAULT_CONVEX_RELEASE, MINIO_IMAGE, NODE_IMAGE } from "../../lib/core/images.ts";

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
});
