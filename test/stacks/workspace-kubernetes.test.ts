import { describe, expect, it } from "vitest";
import { inventory, kubernetesObject, resourcesOf, synthKubernetes, type TerraformJson } from "../support/synth.ts";

interface EnvVar {
  name: string;
  value?: string;
  value_from?: { secret_key_ref?: { name: string; key: string }; config_map_key_ref?: { name: string; key: string } };
}
interface Container {
  name: string;
  image: string;
  env?: EnvVar[];
  port: { name: string; container_port: number }[];
  volume_mount?: { name: string; mount_path: string; read_only?: boolean }[];
  readiness_probe?: { http_get: { path: string; port: string } };
  liveness_probe?: { http_get: { path: string; port: string } };
  startup_probe?: { http_get: { path: string; port: string }; period_seconds: number; failure_threshold: number };
  lifecycle?: { pre_stop: { exec: { command: string[] } }[] };
  resources?: { requests: Record<string, string>; limits: Record<string, string> };
  security_context?: Record<string, unknown>;
  command?: string[];
}
interface PodSpec {
  container: Container[];
  volume?: { name: string; persistent_volume_claim?: { claim_name: string }; config_map?: { name: string } }[];
  termination_grace_period_seconds?: number;
  security_context?: Record<string, unknown>;
}
interface Deployment {
  spec: { replicas: string; strategy?: { type: string }; template: { spec: PodSpec } };
}

const deployment = (json: TerraformJson, name: string) => kubernetesObject(json, "kubernetes_deployment_v1", name) as unknown as Deployment;
const container = (json: TerraformJson, name: string) => deployment(json, name).spec.template.spec.container[0] as Container;
const envNames = (c: Container) => (c.env ?? []).map((e) => e.name);
const envValue = (c: Container, name: string) => (c.env ?? []).find((e) => e.name === name);

describe("workspace-kubernetes, local mode", () => {
  const json = synthKubernetes();

  it("creates the backend, its data volume and secret, and the dashboard; no bucket, no proxy", () => {
    expect(inventory(json)).toEqual({
      kubernetes_deployment_v1: 2,
      kubernetes_network_policy_v1: 2,
      kubernetes_persistent_volume_claim_v1: 1,
      kubernetes_secret_v1: 1,
      kubernetes_service_v1: 2,
      random_id: 1,
      terraform_data: 1,
    });
  });

  it("sets no AWS_* or S3_* variable on the backend", () => {
    expect(envNames(container(json, "convex-alice-dev-backend")).filter((n) => /^(AWS_|S3_)/.test(n))).toEqual([]);
  });

  it("runs one backend replica with the Recreate strategy (a single SQLite writer)", () => {
    const d = deployment(json, "convex-alice-dev-backend");
    expect(d.spec.replicas).toBe("1");
    expect(d.spec.strategy).toEqual({ type: "Recreate" });
  });

  it("mounts the data volume at /convex/data", () => {
    const d = deployment(json, "convex-alice-dev-backend");
    expect(container(json, "convex-alice-dev-backend").volume_mount).toEqual([{ name: "data", mount_path: "/convex/data" }]);
    expect(d.spec.template.spec.volume).toEqual([{ name: "data", persistent_volume_claim: { claim_name: expect.stringMatching(/^\$\{kubernetes_persistent_volume_claim_v1\.Backend_Data_[0-9A-F]{8}\.metadata\[0\]\.name\}$/) } }]);
    const pvc = kubernetesObject(json, "kubernetes_persistent_volume_claim_v1", "convex-alice-dev-data") as { spec: unknown; lifecycle: unknown; wait_until_bound: boolean };
    expect(pvc.spec).toEqual({ access_modes: ["ReadWriteOnce"], resources: { requests: { storage: "10Gi" } } });
    expect(pvc.lifecycle).toEqual({ prevent_destroy: true, ignore_changes: ["spec[0].storage_class_name", "spec[0].access_modes"] });
    expect(pvc.wait_until_bound).toBe(false);
  });

  it("stops the backend with SIGINT from a preStop hook, within the grace period", () => {
    const c = container(json, "convex-alice-dev-backend");
    expect(c.lifecycle?.pre_stop[0]?.exec.command).toEqual(["/bin/sh", "-c", "kill -INT 1; while kill -0 1 2>/dev/null; do sleep 1; done"]);
    expect(deployment(json, "convex-alice-dev-backend").spec.template.spec.termination_grace_period_seconds).toBe(30);
  });

  it("probes GET /version on 3210, with a startup allowance for first boot", () => {
    const c = container(json, "convex-alice-dev-backend");
    for (const probe of [c.readiness_probe, c.liveness_probe, c.startup_probe]) expect(probe?.http_get).toEqual({ path: "/version", port: "3210" });
    expect((c.startup_probe?.period_seconds ?? 0) * (c.startup_probe?.failure_threshold ?? 0)).toBe(600);
  });

  it("exposes the API on 3210 and HTTP actions on 3211", () => {
    const service = kubernetesObject(json, "kubernetes_service_v1", "convex-alice-dev-backend") as { spec: { port: { name: string; port: number }[] } };
    expect(service.spec.port.map((p) => [p.name, p.port])).toEqual([["api", 3210], ["site", 3211]]);
  });

  it("sets requests and limits, and does not force a non-root user on the backend", () => {
    const c = container(json, "convex-alice-dev-backend");
    expect(c.resources).toEqual({ requests: { cpu: "250m", memory: "512Mi" }, limits: { cpu: "2", memory: "4Gi" } });
    expect(c.security_context).toEqual({ allow_privilege_escalation: false });
    expect(JSON.stringify(deployment(json, "convex-alice-dev-backend"))).not.toContain("run_as_non_root");
  });

  it("reads INSTANCE_SECRET from a Kubernetes Secret filled with 32 random bytes at apply time", () => {
    expect(envValue(container(json, "convex-alice-dev-backend"), "INSTANCE_SECRET")).toEqual({
      name: "INSTANCE_SECRET",
      value_from: { secret_key_ref: { name: "convex-alice-dev-instance-secret", key: "INSTANCE_SECRET" } },
    });
    expect(Object.values(resourcesOf(json, "random_id"))).toEqual([{ byte_length: 32 }]);
    const secret = kubernetesObject(json, "kubernetes_secret_v1", "convex-alice-dev-instance-secret") as { data: Record<string, string> };
    expect(secret.data).toEqual({ INSTANCE_SECRET: expect.stringMatching(/^\$\{random_id\.InstanceSecret_Value_[0-9A-F]{8}\.hex\}$/) });
  });

  it("always sets both origins", () => {
    const c = container(json, "convex-alice-dev-backend");
    expect(envValue(c, "CONVEX_CLOUD_ORIGIN")?.value).toBe("http://127.0.0.1:3210");
    expect(envValue(c, "CONVEX_SITE_ORIGIN")?.value).toBe("http://127.0.0.1:3211");
  });

  it("points the dashboard at the backend's browser-reachable origin, never with an admin key", () => {
    const d = container(json, "convex-alice-dev-dashboard");
    expect(d.env).toEqual([{ name: "NEXT_PUBLIC_DEPLOYMENT_URL", value: envValue(container(json, "convex-alice-dev-backend"), "CONVEX_CLOUD_ORIGIN")?.value }]);
    expect(JSON.stringify(json)).not.toContain("NEXT_PUBLIC_ADMIN_KEY");
  });

  it("runs backend and dashboard from the same release", () => {
    const tag = (image: string) => image.split(":")[1];
    const backend = container(json, "convex-alice-dev-backend").image;
    const dashboard = container(json, "convex-alice-dev-dashboard").image;
    expect(tag(backend)).toMatch(/^[0-9a-f]{40}$/);
    expect(tag(dashboard)).toBe(tag(backend));
  });

  it("keeps one state file per workspace", () => {
    expect(json.terraform.backend).toEqual({ local: { path: expect.stringMatching(/\/terraform\.workspace-kubernetes\.convex\.alice-dev\.tfstate$/) } });
  });

  it("emits no presence flag unless it is true", () => {
    const names = envNames(container(json, "convex-alice-dev-backend"));
    for (const flag of ["DISABLE_BEACON", "REDACT_LOGS_TO_CLIENT", "DO_NOT_REQUIRE_SSL"]) expect(names).not.toContain(flag);
    const on = container(synthKubernetes({ convex: { disableBeacon: true } }), "convex-alice-dev-backend");
    expect(envValue(on, "DISABLE_BEACON")?.value).toBe("true");
  });

  it("leaves the data volume destroyable when the configuration turns protection off", () => {
    const pvc = kubernetesObject(synthKubernetes({ convex: { dataVolume: { protect: false } } }), "kubernetes_persistent_volume_claim_v1", "convex-alice-dev-data");
    expect(pvc.lifecycle).toEqual({ prevent_destroy: false, ignore_changes: ["spec[0].storage_class_name", "spec[0].access_modes"] });
  });
});

describe("workspace-kubernetes, s3 mode", () => {
  const json = synthKubernetes({}, { STORAGE_MODE: "s3" });
  const backend = container(json, "convex-alice-dev-backend");

  it("adds the ObjectBucketClaim and nothing else", () => {
    expect(inventory(json)).toEqual({
      kubernetes_deployment_v1: 2,
      kubernetes_manifest: 1,
      kubernetes_network_policy_v1: 2,
      kubernetes_persistent_volume_claim_v1: 1,
      kubernetes_secret_v1: 1,
      kubernetes_service_v1: 2,
      random_id: 1,
      terraform_data: 1,
    });
  });

  it("claims a bucket from Rook with a generated name, waiting until it is Bound", () => {
    const claim = Object.values(resourcesOf(json, "kubernetes_manifest"))[0] as { manifest: Record<string, unknown>; wait: unknown; computed_fields: string[] };
    expect(claim.manifest).toMatchObject({
      apiVersion: "objectbucket.io/v1alpha1",
      kind: "ObjectBucketClaim",
      metadata: { name: "convex-alice-dev-bucket", namespace: "convex" },
      spec: { generateBucketName: "convex-alice-dev", storageClassName: "rook-ceph-bucket" },
    });
    expect(claim.wait).toEqual({ fields: { "status.phase": "Bound" } });
    expect(claim.computed_fields).toContain("spec.objectBucketName");
  });

  it("passes quotas to the claim as strings", () => {
    const claim = Object.values(resourcesOf(synthKubernetes({ storage: { bucket: { kind: "objectBucketClaim", maxSize: "2G", maxObjects: "1000" } } }, { STORAGE_MODE: "s3" }), "kubernetes_manifest"))[0] as {
      manifest: { spec: Record<string, unknown> };
    };
    expect(claim.manifest.spec.additionalConfig).toEqual({ maxSize: "2G", maxObjects: "1000" });
  });

  it("wires the claim's ConfigMap and Secret into the backend by reference", () => {
    const cm = (key: string) => ({ config_map_key_ref: { name: "convex-alice-dev-bucket", key } });
    const sec = (key: string) => ({ secret_key_ref: { name: "convex-alice-dev-bucket", key } });
    for (const b of ["EXPORTS", "SNAPSHOT_IMPORTS", "MODULES", "FILES", "SEARCH"]) expect(envValue(backend, `S3_STORAGE_${b}_BUCKET`)?.value_from).toEqual(cm("BUCKET_NAME"));
    expect(envValue(backend, "BUCKET_HOST")?.value_from).toEqual(cm("BUCKET_HOST"));
    expect(envValue(backend, "BUCKET_PORT")?.value_from).toEqual(cm("BUCKET_PORT"));
    expect(envValue(backend, "S3_ENDPOINT_URL")?.value).toBe("http://$(BUCKET_HOST):$(BUCKET_PORT)");
    expect(envValue(backend, "AWS_ACCESS_KEY_ID")?.value_from).toEqual(sec("AWS_ACCESS_KEY_ID"));
    expect(envValue(backend, "AWS_SECRET_ACCESS_KEY")?.value_from).toEqual(sec("AWS_SECRET_ACCESS_KEY"));
  });

  it("sets Ceph RGW's compatibility flags as literal true and a region Rook leaves empty", () => {
    expect(envValue(backend, "AWS_REGION")?.value).toBe("us-east-1");
    for (const flag of ["AWS_S3_FORCE_PATH_STYLE", "AWS_S3_DISABLE_SSE", "AWS_S3_DISABLE_CHECKSUMS"]) expect(envValue(backend, flag)?.value).toBe("true");
    expect(envValue(backend, "AWS_REQUEST_CHECKSUM_CALCULATION")?.value).toBe("WHEN_REQUIRED");
  });

  it("keeps bucket credentials out of the Terraform configuration", () => {
    expect(JSON.stringify(json)).not.toMatch(/data\.kubernetes_secret|data\.kubernetes_config_map/);
  });

  it("reads an external bucket's keys from the Secret the user names", () => {
    const ext = container(
      synthKubernetes(
        { storage: { bucket: { kind: "external", endpoint: "https://s3.example.com", bucketName: "alice-convex", credentialsSecretName: "alice-s3", profile: "aws" } } },
        { STORAGE_MODE: "s3" },
      ),
      "convex-alice-dev-backend",
    );
    expect(envValue(ext, "AWS_ACCESS_KEY_ID")?.value_from).toEqual({ secret_key_ref: { name: "alice-s3", key: "AWS_ACCESS_KEY_ID" } });
    expect(envValue(ext, "S3_ENDPOINT_URL")?.value).toBe("https://s3.example.com");
    expect(envNames(ext)).not.toContain("AWS_S3_DISABLE_SSE");
  });
});

describe("workspace-kubernetes, Ingress", () => {
  const json = synthKubernetes({
    ingress: { className: "nginx", apiHost: "api.alice.example.com", siteHost: "site.alice.example.com", dashboardHost: "dashboard.alice.example.com", tlsSecretName: "alice-tls" },
  });
  const ingress = Object.values(resourcesOf(json, "kubernetes_ingress_v1"))[0] as {
    metadata: { annotations: Record<string, string> };
    spec: { ingress_class_name: string; rule: { host: string; http: { path: { path: string; backend: { service: { name: string; port: { number: number } } } }[] } }[]; tls: unknown };
  };

  it("routes each host at / to its port, with /api/sync on the API host", () => {
    const routes = ingress.spec.rule.flatMap((r) => r.http.path.map((p) => `${r.host}${p.path} -> ${p.backend.service.name}:${p.backend.service.port.number}`));
    expect(routes).toEqual([
      "api.alice.example.com/api/sync -> convex-alice-dev-backend:3210",
      "api.alice.example.com/ -> convex-alice-dev-backend:3210",
      "site.alice.example.com/ -> convex-alice-dev-backend:3211",
      "dashboard.alice.example.com/ -> convex-alice-dev-dashboard:6791",
    ]);
    expect(ingress.spec.ingress_class_name).toBe("nginx");
    expect(ingress.spec.tls).toEqual([{ hosts: ["api.alice.example.com", "site.alice.example.com", "dashboard.alice.example.com"], secret_name: "alice-tls" }]);
  });

  it("keeps WebSockets open past the controller's default timeout", () => {
    expect(ingress.metadata.annotations["nginx.ingress.kubernetes.io/proxy-read-timeout"]).toBe("3600");
  });

  it("makes the https hosts the backend's origins and the dashboard's deployment URL", () => {
    const backend = container(json, "convex-alice-dev-backend");
    expect(envValue(backend, "CONVEX_CLOUD_ORIGIN")?.value).toBe("https://api.alice.example.com");
    expect(envValue(backend, "CONVEX_SITE_ORIGIN")?.value).toBe("https://site.alice.example.com");
    expect(container(json, "convex-alice-dev-dashboard").env?.[0]?.value).toBe("https://api.alice.example.com");
  });
});
