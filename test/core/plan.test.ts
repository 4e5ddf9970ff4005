import { describe, expect, it } from "vitest";
import { parseWorkspaceConfig } from "../../lib/core/config.ts";
import { envToRecord } from "../../lib/core/env.ts";
import { ConfigError } from "../../lib/core/errors.ts";
import { planWorkspace } from "../../lib/core/plan.ts";

const plan = (raw: object, env: Record<string, string> = {}) => planWorkspace(parseWorkspaceConfig({ workspace: { name: "alice-dev" }, ...raw }, env), { target: "kubernetes" });

function problems(fn: () => unknown): string[] {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error.issues.map((i) => `${i.field}: got ${i.value}; ${i.fix}`);
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("planWorkspace", () => {
  it("defaults to local URLs reached by port-forward", () => {
    expect(plan({}).urls).toEqual({ cloudOrigin: "http://127.0.0.1:3210", siteOrigin: "http://127.0.0.1:3211", dashboardUrl: "http://127.0.0.1:6791" });
  });

  it("derives https URLs from the Ingress hosts when a TLS Secret is set", () => {
    const p = plan({ ingress: { apiHost: "api.a.example.com", siteHost: "site.a.example.com", dashboardHost: "dash.a.example.com", tlsSecretName: "a-tls" } });
    expect(p.urls).toEqual({ cloudOrigin: "https://api.a.example.com", siteOrigin: "https://site.a.example.com", dashboardUrl: "https://dash.a.example.com" });
    expect(envToRecord(p.backendEnv)).toMatchObject({ CONVEX_CLOUD_ORIGIN: "https://api.a.example.com", CONVEX_SITE_ORIGIN: "https://site.a.example.com" });
  });

  it("accepts the API origin with the /http suffix as the site origin", () => {
    const p = plan({ urls: { cloudOrigin: "https://convex.example.com/", siteOrigin: "https://convex.example.com/http" } });
    expect(p.urls.cloudOrigin).toBe("https://convex.example.com");
    expect(p.urls.siteOrigin).toBe("https://convex.example.com/http");
  });

  it("fails if the site origin reuses the API origin", () => {
    expect(problems(() => plan({ urls: { cloudOrigin: "https://convex.example.com", siteOrigin: "https://convex.example.com" } }))).toEqual([
      'urls.siteOrigin: got "https://convex.example.com"; give HTTP actions their own host served by port 3211, or use "https://convex.example.com/http"',
    ]);
  });

  it("fails if a URL is not an absolute http(s) URL", () => {
    expect(problems(() => plan({ urls: { cloudOrigin: "convex-backend:3210" } }))).toEqual([
      'urls.cloudOrigin: got "convex-backend:3210"; use an absolute http:// or https:// URL the browser can reach, e.g. https://api.alice.example.com or http://127.0.0.1:3210',
    ]);
  });

  it("reaches a MinIO bucket on Kubernetes at the MinIO Service's cluster DNS name", () => {
    const p = plan({ storage: { mode: "s3", bucket: { kind: "minio" } } });
    expect(p.minio).toEqual({
      bucketName: "convex",
      endpoint: "http://convex-alice-dev-minio.convex.svc:9000",
      dataVolume: { size: "10Gi" },
      resources: { requests: { cpu: "100m", memory: "256Mi" }, limits: { cpu: "1", memory: "1Gi" } },
    });
  });

  it("gives the instance a stable name from the workspace and lets the file set it", () => {
    expect(plan({}).instanceName).toBe("convex-alice-dev");
    expect(plan({ convex: { instanceName: "legacy" } }).instanceName).toBe("legacy");
  });

  it("defaults s3 and proxied modes to a Rook claim, and addresses the proxy by Service DNS name", () => {
    expect(plan({}, { STORAGE_MODE: "s3" }).storage).toMatchObject({ mode: "s3", bucket: { kind: "objectBucketClaim", storageClassName: "rook-ceph-bucket" } });
    const proxied = plan({}, { STORAGE_MODE: "proxied" });
    expect(proxied.proxyEndpoint).toBe("https://convex-alice-dev-s3-proxy.convex.svc:8333");
    expect(plan({ storage: { proxy: { tls: false } } }, { STORAGE_MODE: "proxied" }).proxyEndpoint).toBe("http://convex-alice-dev-s3-proxy.convex.svc:8333");
    expect(envToRecord(proxied.proxyEnv ?? [])).toMatchObject({ S3PROXY_LISTEN: "0.0.0.0:8333", S3PROXY_SSE: "strip", S3PROXY_BUCKETS: "<ref:bucketName>" });
  });

  it("uses the same image release for backend and dashboard", () => {
    const p = plan({ convex: { release: "c".repeat(40) } });
    expect(p.images.backend).toBe(`ghcr.io/get-convex/convex-backend:${"c".repeat(40)}`);
    expect(p.images.dashboard).toBe(`ghcr.io/get-convex/convex-dashboard:${"c".repeat(40)}`);
  });
});
