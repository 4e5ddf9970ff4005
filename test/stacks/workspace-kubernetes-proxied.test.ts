import { describe, expect, it } from "vitest";
import { PROXY_BUNDLE_LIMIT_BYTES } from "../../lib/proxy-bundle.ts";
import { inventory, kubernetesObject, resourcesOf, synthKubernetes } from "../support/synth.ts";

interface EnvVar {
  name: string;
  value?: string;
  value_from?: { secret_key_ref?: { name: string; key: string }; config_map_key_ref?: { name: string; key: string } };
}
interface Container {
  image: string;
  command?: string[];
  env: EnvVar[];
  volume_mount: { name: string; mount_path: string; read_only?: boolean }[];
  readiness_probe: { http_get: { path: string; port: string } };
  liveness_probe: { http_get: { path: string; port: string } };
  resources: { requests: Record<string, string>; limits: Record<string, string> };
  security_context: Record<string, unknown>;
}
interface Deployment {
  spec: { template: { metadata: { annotations?: Record<string, string> }; spec: { container: Container[]; security_context: Record<string, unknown>; volume: unknown[] } } };
}

describe("workspace-kubernetes, proxied mode", () => {
  const json = synthKubernetes({}, { STORAGE_MODE: "proxied" });
  const proxy = kubernetesObject(json, "kubernetes_deployment_v1", "convex-alice-dev-s3-proxy") as unknown as Deployment;
  const proxyContainer = proxy.spec.template.spec.container[0] as Container;
  const backend = (kubernetesObject(json, "kubernetes_deployment_v1", "convex-alice-dev-backend") as unknown as Deployment).spec.template.spec.container[0] as Container;
  const env = (c: Container, name: string) => c.env.find((e) => e.name === name);

  it("adds the claim, the proxy, its bundle and its generated credentials", () => {
    expect(inventory(json)).toEqual({
      kubernetes_config_map_v1: 1,
      kubernetes_deployment_v1: 3,
      kubernetes_manifest: 1,
      kubernetes_network_policy_v1: 3,
      kubernetes_persistent_volume_claim_v1: 1,
      kubernetes_secret_v1: 3,
      kubernetes_service_v1: 3,
      random_id: 1,
      random_password: 2,
      terraform_data: 1,
      tls_cert_request: 1,
      tls_locally_signed_cert: 1,
      tls_private_key: 2,
      tls_self_signed_cert: 1,
    });
  });

  it("points the backend at the proxy's Service with the proxy's keys", () => {
    expect(env(backend, "S3_ENDPOINT_URL")?.value).toBe("https://convex-alice-dev-s3-proxy.convex.svc:8333");
    expect(env(backend, "AWS_ACCESS_KEY_ID")?.value_from).toEqual({ secret_key_ref: { name: "convex-alice-dev-proxy-credentials", key: "S3PROXY_ACCESS_KEY_ID" } });
    expect(env(backend, "AWS_SECRET_ACCESS_KEY")?.value_from).toEqual({ secret_key_ref: { name: "convex-alice-dev-proxy-credentials", key: "S3PROXY_SECRET_ACCESS_KEY" } });
  });

  it("keeps Convex's AWS defaults on the backend: no compatibility flag", () => {
    const names = backend.env.map((e) => e.name);
    for (const flag of ["AWS_S3_DISABLE_SSE", "AWS_S3_DISABLE_CHECKSUMS", "AWS_REQUEST_CHECKSUM_CALCULATION"]) expect(names).not.toContain(flag);
    expect(env(backend, "AWS_REGION")?.value).toBe("us-east-1");
  });

  it("gives the proxy upstream keys from the claim's Secret and client keys from its own Secret", () => {
    expect(env(proxyContainer, "S3PROXY_UPSTREAM_ACCESS_KEY_ID")?.value_from).toEqual({ secret_key_ref: { name: "convex-alice-dev-bucket", key: "AWS_ACCESS_KEY_ID" } });
    expect(env(proxyContainer, "S3PROXY_UPSTREAM_SECRET_ACCESS_KEY")?.value_from).toEqual({ secret_key_ref: { name: "convex-alice-dev-bucket", key: "AWS_SECRET_ACCESS_KEY" } });
    expect(env(proxyContainer, "S3PROXY_ACCESS_KEY_ID")?.value_from).toEqual({ secret_key_ref: { name: "convex-alice-dev-proxy-credentials", key: "S3PROXY_ACCESS_KEY_ID" } });
    expect(env(proxyContainer, "S3PROXY_UPSTREAM_URL")?.value).toBe("http://$(BUCKET_HOST):$(BUCKET_PORT)");
    expect(env(proxyContainer, "S3PROXY_BUCKETS")?.value_from).toEqual({ config_map_key_ref: { name: "convex-alice-dev-bucket", key: "BUCKET_NAME" } });
    expect(env(proxyContainer, "S3PROXY_SSE")?.value).toBe("strip");
  });

  it("generates the proxy's keys at apply time, never in the configuration", () => {
    const passwords = Object.values(resourcesOf(json, "random_password"));
    expect(passwords).toEqual([
      { length: 20, lower: false, numeric: true, special: false, upper: true },
      { length: 40, special: false },
    ]);
    const secret = kubernetesObject(json, "kubernetes_secret_v1", "convex-alice-dev-proxy-credentials") as { data: Record<string, string> };
    expect(secret.data.S3PROXY_ACCESS_KEY_ID).toMatch(/^\$\{random_password\.ProxyCredentials_AccessKeyId_[0-9A-F]{8}\.result\}$/);
    expect(secret.data.S3PROXY_SECRET_ACCESS_KEY).toMatch(/^\$\{random_password\.ProxyCredentials_SecretAccessKey_[0-9A-F]{8}\.result\}$/);
  });

  it("runs the bundle from a ConfigMap on a pinned stock Node image, non-root, read-only root filesystem", () => {
    expect(proxyContainer.image).toMatch(/^node:\d+\.\d+\.\d+-alpine\d+\.\d+$/);
    expect(proxyContainer.command).toEqual(["node", "/opt/s3-proxy/s3-proxy.mjs"]);
    expect(proxyContainer.volume_mount).toEqual([
      { name: "bundle", mount_path: "/opt/s3-proxy", read_only: true },
      { name: "proxy-tls", mount_path: "/convex/tls/proxy", read_only: true },
    ]);
    expect(proxyContainer.security_context).toEqual({ allow_privilege_escalation: false, capabilities: { drop: ["ALL"] }, read_only_root_filesystem: true });
    expect(proxy.spec.template.spec.security_context).toMatchObject({ run_as_non_root: true, run_as_user: "1000" });
    const cm = Object.values(resourcesOf(json, "kubernetes_config_map_v1"))[0] as { data: Record<string, string> };
    const bundle = cm.data["s3-proxy.mjs"] ?? "";
    expect(Buffer.byteLength(bundle)).toBeGreaterThan(1000);
    expect(Buffer.byteLength(bundle)).toBeLessThanOrEqual(PROXY_BUNDLE_LIMIT_BYTES);
    expect(proxy.spec.template.metadata.annotations?.["convex-workspace/bundle-sha256"]).toMatch(/^[0-9a-f]{16}$/);
  });

  it("probes /healthz and /readyz, with requests and limits", () => {
    expect(proxyContainer.liveness_probe.http_get).toEqual({ path: "/healthz", port: "8333", scheme: "HTTPS" });
    expect(proxyContainer.readiness_probe.http_get).toEqual({ path: "/readyz", port: "8333", scheme: "HTTPS" });
    expect(proxyContainer.resources).toEqual({ requests: { cpu: "50m", memory: "64Mi" }, limits: { cpu: "1", memory: "256Mi" } });
  });

  it("takes the proxy's requests and limits from storage.proxy.resources", () => {
    const sized = synthKubernetes(
      { storage: { proxy: { resources: { requests: { cpu: "500m" }, limits: { memory: "1Gi" } } } } },
      { STORAGE_MODE: "proxied" },
    );
    const container = (kubernetesObject(sized, "kubernetes_deployment_v1", "convex-alice-dev-s3-proxy") as unknown as Deployment).spec.template.spec
      .container[0] as Container;
    expect(container.resources).toEqual({ requests: { cpu: "500m", memory: "64Mi" }, limits: { cpu: "1", memory: "1Gi" } });
  });

  it("serves the proxy on 8333 inside the cluster only", () => {
    const service = kubernetesObject(json, "kubernetes_service_v1", "convex-alice-dev-s3-proxy") as { spec: { type: string; port: { port: number }[] } };
    expect(service.spec.type).toBe("ClusterIP");
    expect(service.spec.port.map((p) => p.port)).toEqual([8333]);
  });
});
