import { describe, expect, it } from "vitest";
import { parseWorkspaceConfig } from "../../lib/core/config.ts";
import { envToRecord } from "../../lib/core/env.ts";
import { planWorkspace } from "../../lib/core/plan.ts";
import { problems } from "../support/config-problems.ts";

const plan = (raw: object, env: Record<string, string> = {}) => planWorkspace(parseWorkspaceConfig({ workspace: { name: "alice-dev" }, ...raw }, env), { target: "kubernetes" });

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

  it("fails if an ObjectBucketClaim is asked for on Docker, naming the field (never a silent MinIO bucket instead)", () => {
    const config = parseWorkspaceConfig({ workspace: { name: "alice-dev" }, storage: { mode: "s3", bucket: { kind: "objectBucketClaim" } } });
    expect(problems(() => planWorkspace(config, { target: "docker", minioEndpoint: "http://convex-alice-dev-minio:9000" }))).toEqual([
      'storage.bucket.kind: got "objectBucketClaim"; ObjectBucketClaims need Rook on Kubernetes; on Docker use minio or external',
    ]);
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

describe("planWorkspace: what each target gets", () => {
  const forTarget = (target: "kubernetes" | "docker", raw: object, env: Record<string, string> = {}) =>
    planWorkspace(parseWorkspaceConfig({ workspace: { name: "Alice-Dev" }, ...raw }, env), { target, minioEndpoint: "http://convex-alice-dev-minio:9000" });
  const external = { kind: "external", endpoint: "https://s3.example.com", bucketName: "alice-convex" };
  const bucketOf = (p: ReturnType<typeof forTarget>) => (p.storage.mode === "local" ? undefined : p.storage.bucket);

  it("lower-cases the workspace for names and labels, and passes the sizes and periods through", () => {
    const p = forTarget("kubernetes", { convex: { release: "d".repeat(40), stopGracePeriodSeconds: 45, dataVolume: { size: "20Gi", storageClassName: "fast", protect: false } } });
    expect([p.target, p.workspace, p.names.of("backend"), p.release, p.stopGracePeriodSeconds]).toEqual(["kubernetes", "alice-dev", "convex-alice-dev-backend", "d".repeat(40), 45]);
    expect(p.labels).toMatchObject({ workspace: "alice-dev", release: "d".repeat(40) });
    expect(p.dataVolume).toEqual({ size: "20Gi", storageClassName: "fast", protect: false });
    expect(p.backendResources).toEqual({ requests: { cpu: "250m", memory: "512Mi" }, limits: { cpu: "2", memory: "4Gi" } });
    expect(p.dashboardResources).toEqual({ requests: { cpu: "50m", memory: "128Mi" }, limits: { cpu: "500m", memory: "512Mi" } });
    expect(p.proxyResources).toEqual({ requests: { cpu: "50m", memory: "64Mi" }, limits: { cpu: "1", memory: "256Mi" } });
    expect(p.images.proxy).toBe("node:24.22.3-alpine3.24");
  });

  it("local mode: local storage, no proxy, and the presence flags the file turns on", () => {
    const p = forTarget("kubernetes", { convex: { disableBeacon: true, redactLogsToClient: true, doNotRequireSsl: true } });
    expect({ ...p.storage }).toEqual({ mode: "local" });
    expect([p.proxyEndpoint, p.proxyEnv]).toEqual([undefined, undefined]);
    expect(envToRecord(p.backendEnv)).toMatchObject({ DISABLE_BEACON: "true", REDACT_LOGS_TO_CLIENT: "true", DO_NOT_REQUIRE_SSL: "true" });
  });

  it("s3 mode has no proxy; proxied mode keeps the SSE policy asked for", () => {
    const s3 = forTarget("kubernetes", {}, { STORAGE_MODE: "s3" });
    expect([s3.proxyEndpoint, s3.proxyEnv]).toEqual([undefined, undefined]);
    const proxied = forTarget("kubernetes", { storage: { proxy: { sse: "reject" } } }, { STORAGE_MODE: "proxied" });
    expect(proxied.storage.mode === "proxied" && proxied.storage.sse).toBe("reject");
    expect(envToRecord(proxied.proxyEnv ?? [])).toMatchObject({ S3PROXY_SSE: "reject" });
  });

  it("Docker: MinIO by default, the bucket the file names, and the proxy addressed by container name", () => {
    expect(bucketOf(forTarget("docker", {}, { STORAGE_MODE: "s3" }))).toEqual({ kind: "minio", profile: "minio", bucketName: "convex" });
    expect(bucketOf(forTarget("docker", { storage: { bucket: { kind: "minio", bucketName: "files" } } }, { STORAGE_MODE: "s3" }))).toMatchObject({ kind: "minio", bucketName: "files" });
    expect(forTarget("docker", {}, { STORAGE_MODE: "proxied" }).proxyEndpoint).toBe("https://convex-alice-dev-s3-proxy:8333");
  });

  it("Kubernetes: a Rook claim by default, with the StorageClass and quotas the file names", () => {
    expect(bucketOf(forTarget("kubernetes", {}, { STORAGE_MODE: "s3" }))).toMatchObject({ kind: "objectBucketClaim", storageClassName: "rook-ceph-bucket" });
    const claimed = forTarget("kubernetes", { storage: { bucket: { kind: "objectBucketClaim", storageClassName: "b", maxSize: "2G", maxObjects: "9" } } }, { STORAGE_MODE: "s3" });
    expect(bucketOf(claimed)).toMatchObject({ kind: "objectBucketClaim", storageClassName: "b", maxSize: "2G", maxObjects: "9" });
  });

  it("uses the URLs the caller passes as defaults, and http for an Ingress without TLS", () => {
    const defaultUrls = { cloudOrigin: "http://127.0.0.1:13210", siteOrigin: "http://127.0.0.1:13211", dashboardUrl: "http://127.0.0.1:16791" };
    const config = parseWorkspaceConfig({ workspace: { name: "a" } });
    expect(planWorkspace(config, { target: "docker", defaultUrls }).urls).toEqual(defaultUrls);
    expect(forTarget("kubernetes", { ingress: { apiHost: "api.a.example.com", siteHost: "site.a.example.com", dashboardHost: "dash.a.example.com" } }).urls).toEqual({
      cloudOrigin: "http://api.a.example.com",
      siteOrigin: "http://site.a.example.com",
      dashboardUrl: "http://dash.a.example.com",
    });
  });

  it("an external bucket on Kubernetes: its keys from the Secret the file names", () => {
    const p = forTarget("kubernetes", { storage: { bucket: { ...external, credentialsSecretName: "alice-s3", profile: "aws" } } }, { STORAGE_MODE: "s3" });
    expect(bucketOf(p)).toMatchObject({ kind: "external", credentialsSecretName: "alice-s3", profile: "aws", dockerCredentials: undefined });
  });

  it("fails if an external bucket on Kubernetes has Docker's key settings and no Secret", () => {
    const raw = { storage: { bucket: { ...external, accessKeyIdEnv: "A_ID", secretAccessKeyEnv: "A_SECRET", credentialsFile: "/k" } } };
    const dockerSetting = "this is a Docker setting; on Kubernetes name the Secret with the keys in credentialsSecretName";
    expect(problems(() => forTarget("kubernetes", raw, { STORAGE_MODE: "s3" }))).toEqual([
      `storage.bucket.accessKeyIdEnv: got "A_ID"; ${dockerSetting}`,
      `storage.bucket.secretAccessKeyEnv: got "A_SECRET"; ${dockerSetting}`,
      `storage.bucket.credentialsFile: got "/k"; ${dockerSetting}`,
      "storage.bucket.credentialsSecretName: got (not set); name the Kubernetes Secret in the workspace namespace that holds the bucket's keys",
    ]);
  });

  it("an external bucket on Docker: keys from two variables or from a keys file, never a Secret name", () => {
    const byEnv = forTarget("docker", { storage: { bucket: { ...external, accessKeyIdEnv: "A_ID", secretAccessKeyEnv: "A_SECRET" } } }, { STORAGE_MODE: "s3" });
    expect(bucketOf(byEnv)).toMatchObject({ credentialsSecretName: "", dockerCredentials: { kind: "environment", accessKeyIdEnv: "A_ID", secretAccessKeyEnv: "A_SECRET" } });
    const byFile = forTarget("docker", { storage: { bucket: { ...external, credentialsFile: "~/keys$1%2{x}.env" } } }, { STORAGE_MODE: "s3" });
    expect(bucketOf(byFile)).toMatchObject({ credentialsSecretName: "", dockerCredentials: { kind: "file", path: "~/keys$1%2{x}.env" } });
  });

  it("fails if an external bucket on Docker names a Secret, half the key variables, or no keys", () => {
    const dockerKeys = "on Docker give the keys with accessKeyIdEnv and secretAccessKeyEnv (environment variable names) or credentialsFile";
    const fail = (bucket: object) => problems(() => forTarget("docker", { storage: { bucket: { ...external, ...bucket } } }, { STORAGE_MODE: "s3" }));
    expect(fail({ credentialsSecretName: "alice-s3", credentialsFile: "/k" })).toEqual([`storage.bucket.credentialsSecretName: got "alice-s3"; this is a Kubernetes setting; ${dockerKeys}`]);
    expect(fail({ secretAccessKeyEnv: "S" })).toEqual(["storage.bucket.accessKeyIdEnv: got (not set); set both accessKeyIdEnv and secretAccessKeyEnv, or use credentialsFile"]);
    expect(fail({ accessKeyIdEnv: "A" })).toEqual(["storage.bucket.secretAccessKeyEnv: got (not set); set both accessKeyIdEnv and secretAccessKeyEnv, or use credentialsFile"]);
    expect(fail({})).toEqual([`storage.bucket.accessKeyIdEnv: got (not set); an external bucket needs its keys: ${dockerKeys}`]);
    expect(fail({ credentialsFile: "/k", secretAccessKeyEnv: "S" })).toEqual(['storage.bucket.credentialsFile: got "/k"; give either credentialsFile or accessKeyIdEnv/secretAccessKeyEnv, not both']);
  });

  it("fails if the keys file's path could break out of the Terraform string it is written into", () => {
    for (const path of ['/k"', "/k\\", "/k${x}", "/k%{x}", "/k\n"]) {
      expect(problems(() => forTarget("docker", { storage: { bucket: { ...external, credentialsFile: path } } }, { STORAGE_MODE: "s3" }))).toEqual([
        `storage.bucket.credentialsFile: got ${JSON.stringify(path)}; use a path without '"', '\\', '\${', '%{' or line breaks`,
      ]);
    }
  });
});

describe("planWorkspace: the parts each setting turns on, and the checks across fields", () => {
  const on = (target: "kubernetes" | "docker", raw: object, env: Record<string, string> = {}) =>
    planWorkspace(parseWorkspaceConfig({ workspace: { name: "alice-dev" }, ...raw }, env), { target, minioEndpoint: "http://convex-alice-dev-minio:9000" });
  const backupBucket = { endpoint: "https://b.example.com", bucketName: "team-backups", credentialsSecretName: "backup-keys" };

  it("runs the storage doctor Job on Kubernetes in s3 and proxied mode only, and refuses it on Docker", () => {
    expect(on("kubernetes", { storage: { mode: "s3", doctor: true } }).storageDoctor).toBe(true);
    expect(on("kubernetes", { storage: { mode: "proxied", doctor: true } }).storageDoctor).toBe(true);
    expect(on("kubernetes", { storage: { mode: "local", doctor: true } }).storageDoctor).toBe(false);
    expect(on("kubernetes", { storage: { mode: "s3" } }).storageDoctor).toBe(false);
    expect(problems(() => on("docker", { storage: { mode: "s3", doctor: true } }))).toEqual([
      "storage.doctor: got true; the doctor Job is a Kubernetes setting; on Docker run npm run doctor -- --config <this file> before deploying",
    ]);
  });

  it("gives scheduling.labels to Kubernetes objects only", () => {
    const raw = { scheduling: { labels: { team: "payments" } } };
    expect(on("kubernetes", raw).labels).toMatchObject({ workspace: "alice-dev", extra: { team: "payments" } });
    expect(on("docker", raw).labels.extra).toBeUndefined();
  });

  it("takes MinIO's image, volume and resources from the bucket's settings, else the pins and defaults; no MinIO for other buckets", () => {
    const custom = { kind: "minio", image: "quay.io/minio/minio:RELEASE.2025-04-22T22-12-26Z", dataVolume: { size: "3Gi", storageClassName: "fast" }, resources: { limits: { cpu: "2", memory: "2Gi" } } };
    const p = on("kubernetes", { storage: { mode: "s3", bucket: custom } });
    expect(p.images.minio).toBe("quay.io/minio/minio:RELEASE.2025-04-22T22-12-26Z");
    expect(p.minio).toEqual({
      bucketName: "convex",
      endpoint: "http://convex-alice-dev-minio:9000",
      dataVolume: { size: "3Gi", storageClassName: "fast" },
      resources: { requests: { cpu: "100m", memory: "256Mi" }, limits: { cpu: "2", memory: "2Gi" } },
    });
    const docker = on("docker", { storage: { mode: "s3" } });
    expect(docker.images.minio).toBe("quay.io/minio/minio:RELEASE.2025-09-07T16-13-09Z");
    expect(docker.minio).toEqual({
      bucketName: "convex",
      endpoint: "http://convex-alice-dev-minio:9000",
      dataVolume: { size: "10Gi" },
      resources: { requests: { cpu: "100m", memory: "256Mi" }, limits: { cpu: "1", memory: "1Gi" } },
    });
    expect(on("kubernetes", { storage: { mode: "s3" } }).minio).toBeUndefined();
    expect(on("docker", { storage: { mode: "local" } }).minio).toBeUndefined();
  });

  it("needs the MinIO endpoint from the caller on Docker (an invariant: the Docker app always passes it)", () => {
    const config = parseWorkspaceConfig({ workspace: { name: "alice-dev" }, storage: { mode: "s3" } });
    expect(() => planWorkspace(config, { target: "docker" })).toThrow("a MinIO bucket needs its endpoint: pass minioEndpoint");
  });

  it("ignores the bucket's TLS settings in local mode, where the backend does not use the bucket", () => {
    const p = on("kubernetes", { storage: { mode: "local", bucket: { kind: "objectBucketClaim", endpointScheme: "https" } } });
    expect(p.tls.bucketCa).toBeUndefined();
    expect(p.backendCaFiles).toEqual([]);
  });

  it("accepts snapshots to the workspace's MinIO where it runs, and a separate backup bucket on Kubernetes", () => {
    expect(on("docker", { storage: { mode: "local" }, backup: { schedule: "@daily" } }).backup?.target).toEqual({ kind: "workspace", bucket: { kind: "minio", profile: "minio", bucketName: "convex" } });
    expect(on("kubernetes", { storage: { mode: "s3", bucket: { kind: "minio" } }, backup: { schedule: "@daily" } }).backup?.target.kind).toBe("workspace");
    expect(on("kubernetes", { storage: { mode: "local", bucket: { kind: "minio" } }, backup: { schedule: "@daily", bucket: backupBucket } }).backup?.target).toMatchObject({
      kind: "external",
      bucketName: "team-backups",
    });
  });

  it("asks where the bucket is under restricted egress only when something outside the stack is reached", () => {
    const fix =
      "networkPolicy.egress.bucket: got []; name where the bucket endpoint is, e.g. [{ namespaceLabels: { kubernetes.io/metadata.name: rook-ceph }, ports: [8080] }] or [{ cidr: 203.0.113.0/24, ports: [443] }], or leave egress open (restrict: false)";
    const restricted = { egress: { restrict: true } };
    expect(problems(() => on("kubernetes", { storage: { mode: "s3" }, networkPolicy: restricted }))).toEqual([fix]);
    // Snapshots of a local-mode workspace go to a claimed bucket.
    expect(problems(() => on("kubernetes", { storage: { mode: "local" }, networkPolicy: restricted, backup: { schedule: "@daily" } }))).toEqual([fix]);
    const fine = (target: "kubernetes" | "docker", raw: object) => expect(() => on(target, { storage: { mode: "s3" }, ...raw })).not.toThrow();
    fine("docker", { networkPolicy: restricted });
    fine("docker", { storage: { mode: "s3", bucket: { kind: "external", endpoint: "https://s3.example.com", bucketName: "alice-convex", accessKeyIdEnv: "A_ID", secretAccessKeyEnv: "A_SECRET" } }, networkPolicy: restricted });
    fine("kubernetes", { networkPolicy: { enabled: false, ...restricted } });
    fine("kubernetes", { networkPolicy: { egress: { restrict: false } } });
    fine("kubernetes", { networkPolicy: { egress: { restrict: true, bucket: [{ cidr: "203.0.113.0/24", ports: [443] }] } } });
    fine("kubernetes", { storage: { mode: "s3", bucket: { kind: "minio" } }, networkPolicy: restricted, backup: { schedule: "@daily" } });
    fine("kubernetes", { storage: { mode: "local" }, networkPolicy: restricted, backup: { schedule: "@daily", bucket: backupBucket } });
  });
});
