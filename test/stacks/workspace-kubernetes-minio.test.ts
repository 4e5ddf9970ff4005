/** MinIO on Kubernetes, wired into `s3` and `proxied` exactly like a claimed bucket. */
import { describe, expect, it } from "vitest";
import { MINIO_IMAGE } from "../../lib/core/images.ts";
import { inventory, kubernetesObject, synthKubernetes, type TerraformJson } from "../support/synth.ts";

interface EnvVar {
  name: string;
  value?: string;
  value_from?: { secret_key_ref?: { name: string; key: string } };
}
interface Container {
  image: string;
  command?: string[];
  env: EnvVar[];
  readiness_probe?: { http_get: { path: string; port: string } };
  liveness_probe?: { http_get: { path: string; port: string } };
  resources?: unknown;
  security_context?: unknown;
  volume_mount?: unknown;
}
interface Deployment {
  depends_on?: string[];
  spec: { replicas: string; strategy?: { type: string }; template: { spec: { container: Container[]; security_context?: unknown; volume?: unknown } } };
}

const MINIO = "convex-alice-dev-minio";
const ENDPOINT = "http://convex-alice-dev-minio.convex.svc:9000";
const deployment = (json: TerraformJson, name: string) => kubernetesObject(json, "kubernetes_deployment_v1", name) as unknown as Deployment;
const container = (json: TerraformJson, name: string) => deployment(json, name).spec.template.spec.container[0] as Container;
const env = (c: Container) => Object.fromEntries(c.env.map((e) => [e.name, e.value ?? e.value_from]));
const minioKey = (key: string) => ({ secret_key_ref: { name: "convex-alice-dev-minio-credentials", key } });
const minioBucket = { kind: "minio" };

describe("workspace-kubernetes, s3 mode with a MinIO bucket", () => {
  const json = synthKubernetes({ storage: { mode: "s3", bucket: minioBucket } });

  it("adds MinIO (Deployment, Service, volume, generated root keys) and no claim", () => {
    expect(inventory(json)).toEqual({
      kubernetes_deployment_v1: 3,
      kubernetes_network_policy_v1: 3,
      kubernetes_persistent_volume_claim_v1: 2,
      kubernetes_secret_v1: 2,
      kubernetes_service_v1: 3,
      random_id: 1,
      random_password: 2,
      terraform_data: 1,
    });
  });

  it("gives the backend the six selection variables, MinIO's endpoint, its root keys by reference and the MinIO profile's flags", () => {
    expect(env(container(json, "convex-alice-dev-backend"))).toMatchObject({
      AWS_REGION: "us-east-1",
      S3_STORAGE_FILES_BUCKET: "convex",
      S3_STORAGE_EXPORTS_BUCKET: "convex",
      S3_ENDPOINT_URL: ENDPOINT,
      AWS_ACCESS_KEY_ID: minioKey("MINIO_ROOT_USER"),
      AWS_SECRET_ACCESS_KEY: minioKey("MINIO_ROOT_PASSWORD"),
      AWS_S3_FORCE_PATH_STYLE: "true",
      AWS_S3_DISABLE_SSE: "true",
      AWS_S3_DISABLE_CHECKSUMS: "true",
    });
  });

  it("runs the pinned image as one non-root Recreate replica that creates the bucket before the server starts", () => {
    const d = deployment(json, MINIO);
    const c = container(json, MINIO);
    expect(d.spec.replicas).toBe("1");
    expect(d.spec.strategy).toEqual({ type: "Recreate" });
    expect(c.image).toBe(MINIO_IMAGE);
    expect(c.command).toEqual(["/bin/sh", "-c", 'set -eu; mkdir -p "$MINIO_VOLUMES/$CONVEX_BUCKET"; exec minio server --address ":9000" --console-address ":9001" --certs-dir "/tmp/certs"']);
    expect(env(c)).toEqual({ MINIO_VOLUMES: "/data", CONVEX_BUCKET: "convex", MINIO_ROOT_USER: minioKey("MINIO_ROOT_USER"), MINIO_ROOT_PASSWORD: minioKey("MINIO_ROOT_PASSWORD") });
    expect(d.spec.template.spec.security_context).toEqual({
      run_as_non_root: true,
      run_as_user: "1000",
      run_as_group: "1000",
      fs_group: "1000",
      fs_group_change_policy: "OnRootMismatch",
      seccomp_profile: { type: "RuntimeDefault" },
    });
    expect(c.security_context).toEqual({ read_only_root_filesystem: true, allow_privilege_escalation: false, capabilities: { drop: ["ALL"] } });
    expect(c.readiness_probe?.http_get).toEqual({ path: "/minio/health/ready", port: "9000" });
    expect(c.liveness_probe?.http_get).toEqual({ path: "/minio/health/live", port: "9000" });
    expect(c.resources).toEqual({ requests: { cpu: "100m", memory: "256Mi" }, limits: { cpu: "1", memory: "1Gi" } });
  });

  it("keeps MinIO's volume with prevent_destroy, following convex.dataVolume.protect like the backend's", () => {
    const pvc = (j: TerraformJson) => kubernetesObject(j, "kubernetes_persistent_volume_claim_v1", "convex-alice-dev-minio-data") as { lifecycle: unknown; spec: unknown };
    expect(pvc(json).lifecycle).toEqual({ prevent_destroy: true, ignore_changes: ["spec[0].storage_class_name", "spec[0].access_modes"] });
    expect(pvc(json).spec).toEqual({ access_modes: ["ReadWriteOnce"], resources: { requests: { storage: "10Gi" } } });
    const unprotected = synthKubernetes({ storage: { mode: "s3", bucket: minioBucket }, convex: { dataVolume: { protect: false } } });
    expect((pvc(unprotected).lifecycle as { prevent_destroy: boolean }).prevent_destroy).toBe(false);
    const sized = synthKubernetes({ storage: { mode: "s3", bucket: { kind: "minio", dataVolume: { size: "50Gi", storageClassName: "fast" } } } });
    expect(pvc(sized).spec).toEqual({ access_modes: ["ReadWriteOnce"], storage_class_name: "fast", resources: { requests: { storage: "50Gi" } } });
  });

  it("starts the backend only after MinIO is rolled out and its keys exist", () => {
    expect(deployment(json, "convex-alice-dev-backend").depends_on).toEqual(
      expect.arrayContaining([expect.stringMatching(/^kubernetes_deployment_v1\.Minio_[0-9A-F]{8}$/), expect.stringMatching(/^kubernetes_secret_v1\.Minio_RootCredentials_[0-9A-F]{8}$/)]),
    );
  });
});

describe("workspace-kubernetes, proxied mode with a MinIO bucket", () => {
  const json = synthKubernetes({ storage: { mode: "proxied", bucket: minioBucket } });

  it("points the proxy at MinIO with MinIO's root keys, and the backend at the proxy", () => {
    expect(env(container(json, "convex-alice-dev-s3-proxy"))).toMatchObject({
      S3PROXY_UPSTREAM_URL: ENDPOINT,
      S3PROXY_UPSTREAM_ACCESS_KEY_ID: minioKey("MINIO_ROOT_USER"),
      S3PROXY_UPSTREAM_SECRET_ACCESS_KEY: minioKey("MINIO_ROOT_PASSWORD"),
      S3PROXY_BUCKETS: "convex",
    });
    const backend = env(container(json, "convex-alice-dev-backend"));
    expect(backend.S3_ENDPOINT_URL).toBe("https://convex-alice-dev-s3-proxy.convex.svc:8333");
    expect(backend.AWS_ACCESS_KEY_ID).toEqual({ secret_key_ref: { name: "convex-alice-dev-proxy-credentials", key: "S3PROXY_ACCESS_KEY_ID" } });
    expect(backend).not.toHaveProperty("AWS_S3_DISABLE_SSE");
  });

  it("starts the proxy only after MinIO", () => {
    expect(deployment(json, "convex-alice-dev-s3-proxy").depends_on).toEqual(expect.arrayContaining([expect.stringMatching(/^kubernetes_deployment_v1\.Minio_[0-9A-F]{8}$/)]));
  });
});
