import { describe, expect, it } from "vitest";
import { dnsName, DNS_LABEL, MAX_NAME_LENGTH, workspaceNames } from "../../lib/core/names.ts";
import { selectorLabels, workspaceLabels } from "../../lib/core/labels.ts";

describe("dnsName", () => {
  it("lower-cases and joins parts into a DNS-1123 label", () => {
    expect(dnsName(["convex", "Alice-Dev", "backend"])).toBe("convex-alice-dev-backend");
  });

  it("replaces characters outside [a-z0-9-] and trims hyphens", () => {
    expect(dnsName(["-convex", "a_b.c", "x--"])).toBe("convex-a-b-c-x");
  });

  it("clips names to 63 characters with a stable hash, and keeps clipped names unique", () => {
    const a = dnsName(["convex", "a".repeat(50), "instance-secret"]);
    const b = dnsName(["convex", "a".repeat(50), "proxy-credentials"]);
    expect(a.length).toBeLessThanOrEqual(MAX_NAME_LENGTH);
    expect(b.length).toBeLessThanOrEqual(MAX_NAME_LENGTH);
    expect(a).toMatch(DNS_LABEL);
    expect(b).toMatch(DNS_LABEL);
    expect(a).not.toBe(b);
    expect(dnsName(["convex", "a".repeat(50), "instance-secret"])).toBe(a);
    expect(a).toMatch(/-[0-9a-f]{8}$/);
  });

  it("clips to the first 54 characters, drops a hyphen left at the cut, and appends the SHA-256 prefix of the full name", () => {
    // Hashes from `printf '%s' <full name> | sha256sum`.
    expect(dnsName(["convex", "a".repeat(60)])).toBe(`convex-${"a".repeat(47)}-7846102f`);
    expect(dnsName(["convex", "a".repeat(46), "b".repeat(16)])).toBe(`convex-${"a".repeat(46)}-799c4099`);
  });

  it("leaves names of 63 characters or fewer untouched", () => {
    const exact = "x".repeat(63);
    expect(dnsName([exact])).toBe(exact);
  });
});

describe("workspaceNames", () => {
  it("derives every object name from the workspace name", () => {
    const names = workspaceNames("alice-dev");
    expect(names.base).toBe("convex-alice-dev");
    expect(names.of("backend")).toBe("convex-alice-dev-backend");
    expect(names.of("s3-proxy")).toBe("convex-alice-dev-s3-proxy");
  });

  it("keeps every name of a 32-character workspace valid", () => {
    const names = workspaceNames("w".repeat(32));
    for (const c of ["backend", "dashboard", "bucket", "s3-proxy", "minio", "data", "instance-secret", "proxy-credentials", "network", "ingress"] as const) {
      expect(names.of(c)).toMatch(DNS_LABEL);
      expect(names.of(c).length).toBeLessThanOrEqual(63);
    }
  });
});

describe("labels", () => {
  it("applies one label set, with selector labels that never include the release", () => {
    const labels = workspaceLabels({ workspace: "alice-dev", release: "a".repeat(40) }, "backend");
    expect(labels).toEqual({
      "app.kubernetes.io/name": "convex-backend",
      "app.kubernetes.io/instance": "alice-dev",
      "app.kubernetes.io/component": "backend",
      "app.kubernetes.io/part-of": "convex-workspace",
      "app.kubernetes.io/managed-by": "cdktf",
      "app.kubernetes.io/version": "a".repeat(40),
    });
    expect(Object.keys(selectorLabels("alice-dev", "backend"))).not.toContain("app.kubernetes.io/version");
  });

  it("lower-cases the instance and clips label values to 63 characters", () => {
    const labels = workspaceLabels({ workspace: `Alice-${"w".repeat(70)}`, release: "r".repeat(70) }, "s3-proxy");
    expect(labels["app.kubernetes.io/instance"]).toBe(`alice-${"w".repeat(57)}`);
    expect(labels["app.kubernetes.io/version"]).toBe("r".repeat(63));
    expect(labels["app.kubernetes.io/name"]).toBe("convex-s3-proxy");
    expect(selectorLabels("Bob", "minio-data")).toEqual({ "app.kubernetes.io/name": "convex-minio-data", "app.kubernetes.io/instance": "bob", "app.kubernetes.io/component": "minio-data" });
  });

  it("adds Coder's workspace labels when known", () => {
    const labels = workspaceLabels({ workspace: "w", release: "r", coderWorkspaceId: "id-1", coderOwner: "alice" }, "dashboard");
    expect(labels["com.coder.workspace.id"]).toBe("id-1");
    expect(labels["com.coder.user.username"]).toBe("alice");
    expect(Object.keys(workspaceLabels({ workspace: "w", release: "r" }, "dashboard"))).not.toContain("com.coder.workspace.id");
    expect(Object.keys(workspaceLabels({ workspace: "w", release: "r" }, "dashboard"))).not.toContain("com.coder.user.username");
  });
});
